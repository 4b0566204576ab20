//! Organizations and API keys; `ping` for readiness.

use crate::sql::prelude::*;

impl SqlStore {
    pub(crate) async fn insert_api_key_on(
        conn: &mut Conn,
        key: &ApiKey,
        hash: &str,
    ) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO api_keys ({API_KEY_COLUMNS}, secret_hash) VALUES ($1, $2, $3, $4, $5, \
             $6, $7, $8, $9, $10, $11)"
        ))
        .bind(key.organization_id.as_uuid())
        .bind(key.id.as_uuid())
        .bind(&key.name)
        .bind(&key.prefix)
        .bind(Json(&key.scopes))
        .bind(key.user_id.as_uuid())
        .bind(Json(&key.business_unit_ids))
        .bind(key.last_used_at.map(Timestamp::as_millis))
        .bind(key.created_at.as_millis())
        .bind(key.updated_at.as_millis())
        .bind(hash)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl OrganizationStore for SqlStore {
    async fn ping(&self) -> Result<()> {
        run(async {
            sqlx::query("SELECT 1").execute(&self.reader).await?;
            Ok(())
        })
        .await
    }

    async fn has_organizations(&self) -> Result<bool> {
        run(async {
            let row: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM organizations LIMIT 1")
                .fetch_optional(&self.writer)
                .await?;
            Ok(row.is_some())
        })
        .await
    }

    async fn create_organization(&self, new: &NewOrganization) -> Result<()> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let org = &new.organization;
            sqlx::query(
                "INSERT INTO organizations (id, name, created_at, updated_at) VALUES ($1, $2, $3, \
                 $4)",
            )
            .bind(org.id.as_uuid())
            .bind(&org.name)
            .bind(org.created_at.as_millis())
            .bind(org.updated_at.as_millis())
            .execute(&mut *tx)
            .await?;
            Self::insert_business_unit_on(&mut tx, &new.business_unit).await?;
            Self::insert_user_on(&mut tx, &new.admin_user).await?;
            Self::insert_api_key_on(&mut tx, &new.admin_key, &new.admin_key_hash).await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn get_organization(&self, id: OrganizationId) -> Result<Organization> {
        run(async {
            let row: Option<OrganizationRow> = sqlx::query_as(
                "SELECT id, name, require_totp, created_at, updated_at FROM organizations WHERE id = \
                 $1",
            )
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("organization")(row).map(Into::into)
        })
        .await
    }

    async fn update_organization(&self, organization: &Organization) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE organizations SET name = $1, require_totp = $2, updated_at = $3 WHERE id \
                 = $4",
            )
            .bind(&organization.name)
            .bind(organization.require_totp)
            .bind(organization.updated_at.as_millis())
            .bind(organization.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("organization", result.rows_affected())
        })
        .await
    }

    async fn list_organizations(&self, page: &DirectoryPage) -> Result<Rows<Organization>> {
        run(async {
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT id, name, require_totp, created_at, updated_at FROM organizations WHERE 1 = 1",
            );
            push_directory_page(&mut qb, page);
            let rows: Vec<OrganizationRow> = qb.build_query_as().fetch_all(&self.reader).await?;
            let count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM organizations");
            Ok(Rows {
                items: rows.into_iter().map(Into::into).collect(),
                total: self.total(count, page.include_total).await?,
            })
        })
        .await
    }

    async fn find_api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>> {
        run(async {
            let row: Option<ApiKeyRow> = sqlx::query_as(&format!(
                "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE secret_hash = $1"
            ))
            .bind(hash)
            .fetch_optional(&self.reader)
            .await?;
            Ok(row.map(Into::into))
        })
        .await
    }

    async fn touch_api_key(&self, org: OrganizationId, id: ApiKeyId, at: Timestamp) -> Result<()> {
        run(async {
            sqlx::query(
                "UPDATE api_keys SET last_used_at = $1 WHERE organization_id = $2 AND id = $3",
            )
            .bind(at.as_millis())
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn insert_api_key(&self, key: &ApiKey, hash: &str) -> Result<()> {
        run(async {
            let mut conn = self.writer.acquire().await?;
            Self::insert_api_key_on(&mut conn, key, hash).await
        })
        .await
    }

    async fn get_api_key(&self, org: OrganizationId, id: ApiKeyId) -> Result<ApiKey> {
        run(async {
            let row: Option<ApiKeyRow> = sqlx::query_as(&format!(
                "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE organization_id = $1 AND id = $2"
            ))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("API key")(row).map(Into::into)
        })
        .await
    }

    async fn list_api_keys(
        &self,
        org: OrganizationId,
        page: &DirectoryPage,
    ) -> Result<Rows<ApiKey>> {
        run(async {
            self.list_directory(
                "api_keys",
                API_KEY_COLUMNS,
                org,
                |_| {},
                page,
                |r: ApiKeyRow| Ok(r.into()),
            )
            .await
        })
        .await
    }

    async fn update_api_key(&self, key: &ApiKey) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE api_keys SET name = $1, updated_at = $2 WHERE organization_id = $3 AND id \
                 = $4",
            )
            .bind(&key.name)
            .bind(key.updated_at.as_millis())
            .bind(key.organization_id.as_uuid())
            .bind(key.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("API key", result.rows_affected())
        })
        .await
    }

    async fn delete_api_key(&self, org: OrganizationId, id: ApiKeyId) -> Result<()> {
        Ok(self
            .delete_row("api_keys", "API key", org, id.as_uuid())
            .await?)
    }
}
