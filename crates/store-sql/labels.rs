//! Labels and the conversations that carry them.

use crate::sql::prelude::*;

const LABEL_COLUMNS: &str = "id, name, color, description, created_at, updated_at";

#[derive(FromRow)]
struct LabelRow {
    id: Uuid,
    name: String,
    color: String,
    description: String,
    created_at: i64,
    updated_at: i64,
}

impl From<LabelRow> for Label {
    fn from(r: LabelRow) -> Self {
        Label {
            object_name: "label".into(),
            id: LabelId::from_uuid(r.id),
            name: r.name,
            color: r.color,
            description: r.description,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}

fn name_key(name: &str) -> String {
    convo_core::usecases::labels::name_key(name)
}

#[async_trait]
impl LabelStore for SqlStore {
    async fn insert_label(&self, org: OrganizationId, label: &Label) -> Result<()> {
        run(async {
            sqlx::query(
                "INSERT INTO labels (organization_id, id, name, name_key, color, description, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(org.as_uuid())
            .bind(label.id.as_uuid())
            .bind(&label.name)
            .bind(name_key(&label.name))
            .bind(&label.color)
            .bind(&label.description)
            .bind(label.created_at.as_millis())
            .bind(label.updated_at.as_millis())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn get_label(&self, org: OrganizationId, id: LabelId) -> Result<Label> {
        run(async {
            let row: Option<LabelRow> = sqlx::query_as(&format!(
                "SELECT {LABEL_COLUMNS} FROM labels WHERE organization_id = $1 AND id = $2"
            ))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("label")(row).map(Into::into)
        })
        .await
    }

    async fn list_labels(&self, org: OrganizationId, page: &DirectoryPage) -> Result<Rows<Label>> {
        run(async {
            self.list_directory(
                "labels",
                LABEL_COLUMNS,
                org,
                |_| {},
                page,
                |r: LabelRow| Ok(r.into()),
            )
            .await
        })
        .await
    }

    async fn update_label(&self, org: OrganizationId, label: &Label) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE labels SET name = $1, name_key = $2, color = $3, description = $4, \
                 updated_at = $5 WHERE organization_id = $6 AND id = $7",
            )
            .bind(&label.name)
            .bind(name_key(&label.name))
            .bind(&label.color)
            .bind(&label.description)
            .bind(label.updated_at.as_millis())
            .bind(org.as_uuid())
            .bind(label.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("label", result.rows_affected())
        })
        .await
    }

    async fn delete_label(&self, org: OrganizationId, id: LabelId) -> Result<()> {
        // Its conversation links go with it (ON DELETE CASCADE).
        Ok(self
            .delete_row("labels", "label", org, id.as_uuid())
            .await?)
    }

    async fn find_labels(&self, org: OrganizationId, keys: &[String]) -> Result<Vec<Label>> {
        run(async {
            if keys.is_empty() {
                return Ok(Vec::new());
            }
            let mut qb = QueryBuilder::<Db>::new(format!(
                "SELECT {LABEL_COLUMNS} FROM labels WHERE organization_id = "
            ));
            qb.push_bind(org.as_uuid()).push(" AND name_key IN (");
            let mut list = qb.separated(", ");
            for key in keys {
                list.push_bind(key.clone());
            }
            qb.push(") ORDER BY name_key");
            let rows: Vec<LabelRow> = qb.build_query_as().fetch_all(&self.reader).await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
        .await
    }

    async fn set_conversation_labels(
        &self,
        org: OrganizationId,
        id: ConversationId,
        add: &[LabelId],
        remove: &[LabelId],
        event: &EventMeta,
    ) -> Result<ConversationRecord> {
        run(async {
            let org = org.as_uuid();
            let conversation = id.as_uuid();
            let mut tx = self.writer.begin().await?;
            let record = fetch_conversation(&mut tx, org, conversation, true).await?;
            let now = Timestamp::now();
            let mut changed = 0;
            for label in add {
                // Only the organization's own labels: the use case found them by name in it.
                changed += sqlx::query(
                    "INSERT INTO conversation_labels (organization_id, conversation_id, \
                     label_id, added_at) SELECT $1, $2, id, $3 FROM labels WHERE \
                     organization_id = $1 AND id = $4 ON CONFLICT (conversation_id, label_id) \
                     DO NOTHING",
                )
                .bind(org)
                .bind(conversation)
                .bind(now.as_millis())
                .bind(label.as_uuid())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            for label in remove {
                changed += sqlx::query(
                    "DELETE FROM conversation_labels WHERE organization_id = $1 AND \
                     conversation_id = $2 AND label_id = $3",
                )
                .bind(org)
                .bind(conversation)
                .bind(label.as_uuid())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            if changed == 0 {
                return Ok(record);
            }
            sqlx::query(
                "UPDATE conversations SET updated_at = $1, version = version + 1 WHERE \
                 organization_id = $2 AND id = $3",
            )
            .bind(now.as_millis())
            .bind(org)
            .bind(conversation)
            .execute(&mut *tx)
            .await?;
            let updated = finish_change(&mut tx, org, &record.conversation, event, now).await?;
            self.commit_and_wake(tx, org).await?;
            Ok(updated)
        })
        .await
    }
}
