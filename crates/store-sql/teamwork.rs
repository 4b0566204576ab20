//! What people keep to work together: drafts, canned responses and saved views.

use crate::sql::prelude::*;
use convo_core::text::search::terms;
use convo_core::{text::fold, CannedFilter, TeamworkStore};
use convo_types::{CannedResponse, CannedResponseId, Draft, SavedView, SavedViewId};

const CANNED_COLUMNS: &str =
    "id, short_code, title, content, business_unit_id, user_id, created_at, updated_at";

#[derive(FromRow)]
struct CannedRow {
    id: Uuid,
    short_code: String,
    title: String,
    content: String,
    business_unit_id: Option<Uuid>,
    user_id: Option<Uuid>,
    created_at: i64,
    updated_at: i64,
}

impl From<CannedRow> for CannedResponse {
    fn from(r: CannedRow) -> Self {
        CannedResponse {
            object_name: "canned_response".into(),
            id: r.id.into(),
            short_code: r.short_code,
            title: r.title,
            content: r.content,
            business_unit_id: r.business_unit_id.map(Into::into),
            user_id: r.user_id.map(Into::into),
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}

/// The words a canned response is found by, each preceded by a space (a word's start is
/// `' ' + term`).
fn search_words(canned: &CannedResponse) -> String {
    let mut words = String::from(" ");
    for term in terms(&canned.title)
        .into_iter()
        .chain(terms(&canned.content))
    {
        words.push_str(&term);
        words.push(' ');
    }
    words
}

const VIEW_COLUMNS: &str = "id, name, filters, shared, user_id, created_at, updated_at";

#[derive(FromRow)]
struct ViewRow {
    id: Uuid,
    name: String,
    filters: Json<JsonObject>,
    shared: bool,
    user_id: Uuid,
    created_at: i64,
    updated_at: i64,
}

impl From<ViewRow> for SavedView {
    fn from(r: ViewRow) -> Self {
        SavedView {
            object_name: "saved_view".into(),
            id: r.id.into(),
            name: r.name,
            filters: r.filters.0,
            shared: r.shared,
            user_id: r.user_id.into(),
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}

/// Clears the drafts that `messages` (just sent) replace: each sender's, of its type.
pub(crate) async fn clear_drafts(conn: &mut Conn, messages: &[&Message]) -> StoreResult<()> {
    let cleared: Vec<(Uuid, Uuid, &str)> = messages
        .iter()
        .filter_map(|m| {
            rules::draft_cleared_by(m).map(|user| {
                (
                    m.conversation_id.as_uuid(),
                    user.as_uuid(),
                    m.message_type.as_str(),
                )
            })
        })
        .collect();
    for chunk in cleared.chunks(ROWS_PER_INSERT) {
        let mut qb = QueryBuilder::<Db>::new("DELETE FROM drafts WHERE ");
        for (i, (conversation, user, message_type)) in chunk.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push("(conversation_id = ")
                .push_bind(*conversation)
                .push(" AND user_id = ")
                .push_bind(*user)
                .push(" AND message_type = ")
                .push_bind(*message_type)
                .push(")");
        }
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

#[async_trait]
impl TeamworkStore for SqlStore {
    async fn save_draft(&self, org: OrganizationId, draft: &Draft) -> Result<()> {
        run(async {
            sqlx::query(
                "INSERT INTO drafts (organization_id, conversation_id, user_id, message_type, \
                 content, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT \
                 (conversation_id, user_id) DO UPDATE SET message_type = excluded.message_type, \
                 content = excluded.content, updated_at = excluded.updated_at",
            )
            .bind(org.as_uuid())
            .bind(draft.conversation_id.as_uuid())
            .bind(draft.user_id.as_uuid())
            .bind(draft.message_type.as_str())
            .bind(&draft.content)
            .bind(draft.updated_at.as_millis())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn get_draft(
        &self,
        org: OrganizationId,
        conversation: ConversationId,
        user: UserId,
    ) -> Result<Draft> {
        run(async {
            let row: Option<(String, String, i64)> = sqlx::query_as(
                "SELECT message_type, content, updated_at FROM drafts WHERE organization_id = $1 \
                 AND conversation_id = $2 AND user_id = $3",
            )
            .bind(org.as_uuid())
            .bind(conversation.as_uuid())
            .bind(user.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            let (message_type, content, updated_at) = found("draft")(row)?;
            Ok(Draft {
                object_name: "draft".into(),
                conversation_id: conversation,
                user_id: user,
                message_type: parse_text(&message_type, MessageType::parse)?,
                content,
                updated_at: Timestamp::from_millis(updated_at),
            })
        })
        .await
    }

    async fn delete_draft(
        &self,
        org: OrganizationId,
        conversation: ConversationId,
        user: UserId,
    ) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "DELETE FROM drafts WHERE organization_id = $1 AND conversation_id = $2 AND \
                 user_id = $3",
            )
            .bind(org.as_uuid())
            .bind(conversation.as_uuid())
            .bind(user.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("draft", result.rows_affected())
        })
        .await
    }

    async fn insert_canned_response(
        &self,
        org: OrganizationId,
        canned: &CannedResponse,
    ) -> Result<()> {
        run(async {
            sqlx::query(
                "INSERT INTO canned_responses (organization_id, id, short_code, short_code_key, \
                 title, content, business_unit_id, user_id, search_words, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(org.as_uuid())
            .bind(canned.id.as_uuid())
            .bind(&canned.short_code)
            .bind(fold(&canned.short_code))
            .bind(&canned.title)
            .bind(&canned.content)
            .bind(canned.business_unit_id.map(|u| u.as_uuid()))
            .bind(canned.user_id.map(|u| u.as_uuid()))
            .bind(search_words(canned))
            .bind(canned.created_at.as_millis())
            .bind(canned.updated_at.as_millis())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn get_canned_response(
        &self,
        org: OrganizationId,
        id: CannedResponseId,
    ) -> Result<CannedResponse> {
        run(async {
            let row: Option<CannedRow> = sqlx::query_as(&format!(
                "SELECT {CANNED_COLUMNS} FROM canned_responses WHERE organization_id = $1 AND \
                 id = $2"
            ))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("canned response")(row).map(Into::into)
        })
        .await
    }

    async fn list_canned_responses(
        &self,
        org: OrganizationId,
        filter: &CannedFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<CannedResponse>> {
        run(async {
            let filters = |qb: &mut QueryBuilder<'_, Db>| {
                // Offered: the person's own, their units', the organization's.
                qb.push(" AND (user_id = ")
                    .push_bind(filter.user.as_uuid())
                    .push(" OR (user_id IS NULL AND (business_unit_id IS NULL");
                match &filter.business_unit_ids {
                    None => {
                        qb.push(" OR business_unit_id IS NOT NULL");
                    }
                    Some(units) if !units.is_empty() => {
                        qb.push(" OR business_unit_id IN (");
                        let mut list = qb.separated(", ");
                        for unit in units {
                            list.push_bind(unit.as_uuid());
                        }
                        list.push_unseparated(")");
                    }
                    Some(_) => {}
                }
                qb.push(")))");
                if let Some(prefix) = &filter.short_code_prefix {
                    let pattern = like_pattern(prefix);
                    // `like_pattern` finds the text anywhere; a short code is found by its start.
                    let starts = pattern.strip_prefix('%').unwrap_or(&pattern).to_owned();
                    qb.push(" AND (short_code_key LIKE ")
                        .push_bind(starts)
                        .push(" ESCAPE '\\'");
                    if !filter.terms.is_empty() {
                        qb.push(" OR (1 = 1");
                        for term in &filter.terms {
                            let word = format!("% {}", &like_pattern(term)[1..]);
                            qb.push(" AND search_words LIKE ")
                                .push_bind(word)
                                .push(" ESCAPE '\\'");
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                }
            };
            self.list_directory(
                "canned_responses",
                CANNED_COLUMNS,
                org,
                filters,
                page,
                |r: CannedRow| Ok(r.into()),
            )
            .await
        })
        .await
    }

    async fn update_canned_response(
        &self,
        org: OrganizationId,
        canned: &CannedResponse,
    ) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE canned_responses SET short_code = $1, short_code_key = $2, title = $3, \
                 content = $4, search_words = $5, updated_at = $6 WHERE organization_id = $7 \
                 AND id = $8",
            )
            .bind(&canned.short_code)
            .bind(fold(&canned.short_code))
            .bind(&canned.title)
            .bind(&canned.content)
            .bind(search_words(canned))
            .bind(canned.updated_at.as_millis())
            .bind(org.as_uuid())
            .bind(canned.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("canned response", result.rows_affected())
        })
        .await
    }

    async fn delete_canned_response(
        &self,
        org: OrganizationId,
        id: CannedResponseId,
    ) -> Result<()> {
        Ok(self
            .delete_row("canned_responses", "canned response", org, id.as_uuid())
            .await?)
    }

    async fn insert_saved_view(&self, org: OrganizationId, view: &SavedView) -> Result<()> {
        run(async {
            sqlx::query(
                "INSERT INTO saved_views (organization_id, id, name, filters, shared, user_id, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(org.as_uuid())
            .bind(view.id.as_uuid())
            .bind(&view.name)
            .bind(Json(&view.filters))
            .bind(view.shared)
            .bind(view.user_id.as_uuid())
            .bind(view.created_at.as_millis())
            .bind(view.updated_at.as_millis())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn get_saved_view(&self, org: OrganizationId, id: SavedViewId) -> Result<SavedView> {
        run(async {
            let row: Option<ViewRow> = sqlx::query_as(&format!(
                "SELECT {VIEW_COLUMNS} FROM saved_views WHERE organization_id = $1 AND id = $2"
            ))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("view")(row).map(Into::into)
        })
        .await
    }

    async fn get_saved_views(
        &self,
        org: OrganizationId,
        ids: &[SavedViewId],
    ) -> Result<Vec<SavedView>> {
        run(async {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut qb = QueryBuilder::<Db>::new(format!(
                "SELECT {VIEW_COLUMNS} FROM saved_views WHERE organization_id = "
            ));
            qb.push_bind(org.as_uuid());
            push_in_ids(&mut qb, "id", ids.iter().map(|id| id.as_uuid()));
            let rows: Vec<ViewRow> = qb.build_query_as().fetch_all(&self.reader).await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
        .await
    }

    async fn list_saved_views(
        &self,
        org: OrganizationId,
        user: UserId,
        page: &DirectoryPage,
    ) -> Result<Rows<SavedView>> {
        run(async {
            self.list_directory(
                "saved_views",
                VIEW_COLUMNS,
                org,
                |qb| {
                    qb.push(" AND (shared = ")
                        .push_bind(true)
                        .push(" OR user_id = ")
                        .push_bind(user.as_uuid())
                        .push(")");
                },
                page,
                |r: ViewRow| Ok(r.into()),
            )
            .await
        })
        .await
    }

    async fn update_saved_view(&self, org: OrganizationId, view: &SavedView) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE saved_views SET name = $1, filters = $2, shared = $3, updated_at = $4 \
                 WHERE organization_id = $5 AND id = $6",
            )
            .bind(&view.name)
            .bind(Json(&view.filters))
            .bind(view.shared)
            .bind(view.updated_at.as_millis())
            .bind(org.as_uuid())
            .bind(view.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("view", result.rows_affected())
        })
        .await
    }

    async fn delete_saved_view(&self, org: OrganizationId, id: SavedViewId) -> Result<()> {
        Ok(self
            .delete_row("saved_views", "view", org, id.as_uuid())
            .await?)
    }
}
