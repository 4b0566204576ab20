//! Invitations: pending until accepted (deleted then, in the transaction that adds the user),
//! revoked or expired.

use convo_core::InvitationStore;
use convo_types::{Invitation, InvitationId};

use crate::sql::prelude::*;

const INVITATION_COLUMNS: &str = "organization_id, id, email, name, role, business_unit_ids, \
                                  invited_by, mailed, created_at, expires_at";

#[derive(FromRow)]
struct InvitationRow {
    organization_id: Uuid,
    id: Uuid,
    email: String,
    name: Option<String>,
    role: String,
    business_unit_ids: Json<Vec<BusinessUnitId>>,
    invited_by: Option<Uuid>,
    mailed: bool,
    created_at: i64,
    expires_at: i64,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;
    fn try_from(r: InvitationRow) -> StoreResult<Self> {
        Ok(Invitation {
            object_name: "invitation".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            email: r.email,
            name: r.name,
            role: parse_text(&r.role, UserRole::parse)?,
            business_unit_ids: r.business_unit_ids.0,
            invited_by: r.invited_by.map(Into::into),
            mailed: r.mailed,
            created_at: Timestamp::from_millis(r.created_at),
            expires_at: Timestamp::from_millis(r.expires_at),
            url: None,
            token: None,
        })
    }
}

#[derive(FromRow)]
struct FoundRow {
    #[sqlx(flatten)]
    invitation: InvitationRow,
    organization_name: String,
}

#[async_trait]
impl InvitationStore for SqlStore {
    async fn insert_invitation(&self, invitation: &Invitation, token_hash: &str) -> Result<()> {
        run(async {
            sqlx::query(&format!(
                "INSERT INTO invitations ({INVITATION_COLUMNS}, token_hash, email_key) VALUES ($1, \
                 $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            ))
            .bind(invitation.organization_id.as_uuid())
            .bind(invitation.id.as_uuid())
            .bind(&invitation.email)
            .bind(&invitation.name)
            .bind(invitation.role.as_str())
            .bind(Json(&invitation.business_unit_ids))
            .bind(invitation.invited_by.map(|id| id.as_uuid()))
            .bind(invitation.mailed)
            .bind(invitation.created_at.as_millis())
            .bind(invitation.expires_at.as_millis())
            .bind(token_hash)
            .bind(convo_core::people::email_key(&invitation.email))
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn list_invitations(
        &self,
        org: OrganizationId,
        now: Timestamp,
        page: &DirectoryPage,
    ) -> Result<Rows<Invitation>> {
        run(async {
            self.list_directory(
                "invitations",
                INVITATION_COLUMNS,
                org,
                |qb| {
                    qb.push(" AND expires_at > ").push_bind(now.as_millis());
                },
                page,
                |r: InvitationRow| r.try_into(),
            )
            .await
        })
        .await
    }

    async fn delete_invitation(&self, org: OrganizationId, id: InvitationId) -> Result<()> {
        Ok(self
            .delete_row("invitations", "invitation", org, id.as_uuid())
            .await?)
    }

    async fn find_invitation(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(Invitation, String)>> {
        run(async {
            let columns = INVITATION_COLUMNS
                .split(", ")
                .map(|c| format!("i.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let row: Option<FoundRow> = sqlx::query_as(&format!(
                "SELECT {columns}, o.name AS organization_name FROM invitations i JOIN \
                 organizations o ON o.id = i.organization_id WHERE i.token_hash = $1 AND \
                 i.expires_at > $2"
            ))
            .bind(token_hash)
            .bind(now.as_millis())
            .fetch_optional(&self.writer)
            .await?;
            row.map(|r| Ok((r.invitation.try_into()?, r.organization_name)))
                .transpose()
        })
        .await
    }

    async fn find_invitation_by_email(
        &self,
        email_key: &str,
        now: Timestamp,
    ) -> Result<Option<Invitation>> {
        run(async {
            let row: Option<InvitationRow> = sqlx::query_as(&format!(
                "SELECT {INVITATION_COLUMNS} FROM invitations WHERE email_key = $1 AND \
                 expires_at > $2 ORDER BY id DESC LIMIT 1"
            ))
            .bind(email_key)
            .bind(now.as_millis())
            .fetch_optional(&self.writer)
            .await?;
            row.map(TryInto::try_into).transpose()
        })
        .await
    }

    async fn accept_invitation(
        &self,
        id: &InvitationId,
        now: Timestamp,
        user: &User,
        password_hash: Option<&str>,
    ) -> Result<bool> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let used = sqlx::query(
                "DELETE FROM invitations WHERE id = $1 AND expires_at > $2 AND organization_id \
                 = $3",
            )
            .bind(id.as_uuid())
            .bind(now.as_millis())
            .bind(user.organization_id.as_uuid())
            .execute(&mut *tx)
            .await?;
            if used.rows_affected() == 0 {
                return Ok(false);
            }
            Self::insert_user_on(&mut tx, user).await?;
            if let Some(hash) = password_hash {
                Self::set_password_hash_on(&mut tx, user.organization_id, user.id, hash, now)
                    .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
        .await
    }
}
