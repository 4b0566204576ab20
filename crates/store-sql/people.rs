//! People: passwords and two factors (columns of `users`), sessions, reset tokens, recovery
//! codes and the audit log.

use convo_core::{
    AuditFilter, Credentials, PasswordChange, PasswordToken, PeopleStore, SessionRecord,
};
use convo_types::{AuditAction, AuditActorType, AuditEntry, SessionId};

use crate::sql::prelude::*;

const CREDENTIAL_COLUMNS: &str = "password_hash, locale, totp_secret, totp_enabled, totp_last_step";

#[derive(FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: Option<String>,
    locale: Option<String>,
    totp_secret: Option<String>,
    totp_enabled: bool,
    totp_last_step: Option<i64>,
}

impl TryFrom<CredentialsRow> for Credentials {
    type Error = StoreError;
    fn try_from(r: CredentialsRow) -> StoreResult<Self> {
        Ok(Credentials {
            user: r.user.try_into()?,
            password_hash: r.password_hash,
            locale: r.locale,
            totp_secret: r.totp_secret,
            totp_enabled: r.totp_enabled,
            totp_last_step: r.totp_last_step,
        })
    }
}

const SESSION_COLUMNS: &str =
    "organization_id, id, user_id, token_hash, created_at, last_seen_at, expires_at, user_agent, ip";

#[derive(FromRow)]
struct SessionRow {
    organization_id: Uuid,
    id: Uuid,
    user_id: Uuid,
    token_hash: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    user_agent: Option<String>,
    ip: Option<String>,
}

impl From<SessionRow> for SessionRecord {
    fn from(r: SessionRow) -> Self {
        SessionRecord {
            organization_id: r.organization_id.into(),
            id: r.id.into(),
            user_id: r.user_id.into(),
            token_hash: r.token_hash,
            created_at: Timestamp::from_millis(r.created_at),
            last_seen_at: Timestamp::from_millis(r.last_seen_at),
            expires_at: Timestamp::from_millis(r.expires_at),
            user_agent: r.user_agent,
            ip: r.ip,
        }
    }
}

/// A session and its user, read in one statement: the session's columns renamed so they do
/// not collide with the user's.
#[derive(FromRow)]
struct SessionWithUserRow {
    session_id: Uuid,
    token_hash: String,
    session_created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    user_agent: Option<String>,
    ip: Option<String>,
    #[sqlx(flatten)]
    user: UserRow,
    /// The organization requires two factors and the person has none.
    must_set_up_totp: bool,
}

const SESSION_JOIN_COLUMNS: &str = "s.id AS session_id, s.token_hash, s.created_at AS \
                                    session_created_at, s.last_seen_at, s.expires_at, \
                                    s.user_agent, s.ip";

#[derive(FromRow)]
struct TokenRow {
    token_hash: String,
    token_created_at: i64,
    expires_at: i64,
    #[sqlx(flatten)]
    user: UserRow,
}

const AUDIT_COLUMNS: &str = "id, action, actor_type, actor_id, target_type, target_id, ip, \
                             user_agent, detail, created_at";

#[derive(FromRow)]
struct AuditRow {
    id: Uuid,
    action: String,
    actor_type: String,
    actor_id: Option<String>,
    target_type: Option<String>,
    target_id: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    detail: Json<JsonObject>,
    created_at: i64,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> StoreResult<Self> {
        Ok(AuditEntry {
            object_name: "audit_entry".into(),
            id: r.id.into(),
            action: parse_text(&r.action, AuditAction::parse)?,
            actor_type: parse_text(&r.actor_type, AuditActorType::parse)?,
            actor_id: r.actor_id,
            target_type: r.target_type,
            target_id: r.target_id,
            ip: r.ip,
            user_agent: r.user_agent,
            detail: r.detail.0,
            created_at: Timestamp::from_millis(r.created_at),
        })
    }
}

/// The user columns qualified with `u.`, for joins.
fn user_columns() -> String {
    USER_COLUMNS
        .split(", ")
        .map(|c| format!("u.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A session, its user and whether they must still set up two factors: every cookie request
/// reads it, so its text is made once.
static FIND_SESSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {SESSION_JOIN_COLUMNS}, {}, (o.require_totp AND NOT u.totp_enabled) AS \
         must_set_up_totp FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o \
         ON o.id = u.organization_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active",
        user_columns()
    )
});

impl SqlStore {
    /// The user's password hash, changed at `at`.
    pub(crate) async fn set_password_hash_on(
        conn: &mut Conn,
        org: OrganizationId,
        user: UserId,
        hash: &str,
        at: Timestamp,
    ) -> StoreResult<()> {
        let result = sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE organization_id \
             = $3 AND id = $4",
        )
        .bind(hash)
        .bind(at.as_millis())
        .bind(org.as_uuid())
        .bind(user.as_uuid())
        .execute(&mut *conn)
        .await?;
        affected("user", result.rows_affected())
    }

    async fn delete_recovery_codes_on(
        conn: &mut Conn,
        org: OrganizationId,
        user: UserId,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM recovery_codes WHERE organization_id = $1 AND user_id = $2")
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn apply_password_on(conn: &mut Conn, change: &PasswordChange) -> StoreResult<()> {
        let org = change.organization_id.as_uuid();
        let user = change.user_id.as_uuid();
        if let Some(email) = &change.email {
            sqlx::query(
                "UPDATE users SET email = $1, email_key = $2, updated_at = $3 WHERE \
                 organization_id = $4 AND id = $5",
            )
            .bind(email)
            .bind(convo_core::people::email_key(email))
            .bind(change.at.as_millis())
            .bind(org)
            .bind(user)
            .execute(&mut *conn)
            .await?;
        }
        Self::set_password_hash_on(
            conn,
            change.organization_id,
            change.user_id,
            &change.password_hash,
            change.at,
        )
        .await?;
        let mut ended = QueryBuilder::<Db>::new("DELETE FROM sessions WHERE organization_id = ");
        ended.push_bind(org).push(" AND user_id = ").push_bind(user);
        if let Some(keep) = change.keep_session {
            ended.push(" AND id <> ").push_bind(keep.as_uuid());
        }
        ended.build().execute(&mut *conn).await?;
        Ok(())
    }
}

#[async_trait]
impl PeopleStore for SqlStore {
    async fn find_people(&self, email_key: &str) -> Result<Vec<Credentials>> {
        run(async {
            let rows: Vec<CredentialsRow> = sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS}, {CREDENTIAL_COLUMNS} FROM users WHERE email_key = $1 AND \
                 kind = 'human' ORDER BY (password_hash IS NULL), id LIMIT 10"
            ))
            .bind(email_key)
            .fetch_all(&self.reader)
            .await?;
            rows.into_iter().map(TryInto::try_into).collect()
        })
        .await
    }

    async fn get_credentials(&self, org: OrganizationId, user: UserId) -> Result<Credentials> {
        run(async {
            let row: Option<CredentialsRow> = sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS}, {CREDENTIAL_COLUMNS} FROM users WHERE organization_id = \
                 $1 AND id = $2"
            ))
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .fetch_optional(&self.writer)
            .await?;
            found("user")(row)?.try_into()
        })
        .await
    }

    async fn set_password(&self, change: &PasswordChange) -> Result<()> {
        run(async {
            let mut tx = self.writer.begin().await?;
            Self::apply_password_on(&mut tx, change).await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn set_locale(
        &self,
        org: OrganizationId,
        user: UserId,
        locale: Option<&str>,
    ) -> Result<()> {
        run(async {
            let result =
                sqlx::query("UPDATE users SET locale = $1 WHERE organization_id = $2 AND id = $3")
                    .bind(locale)
                    .bind(org.as_uuid())
                    .bind(user.as_uuid())
                    .execute(&self.writer)
                    .await?;
            affected("user", result.rows_affected())
        })
        .await
    }

    async fn insert_session(&self, session: &SessionRecord) -> Result<()> {
        run(async {
            let mut tx = self.writer.begin().await?;
            // The user's sessions that have ended go when a new one starts: a person's rows
            // stay few without a sweeper.
            sqlx::query(
                "DELETE FROM sessions WHERE organization_id = $1 AND user_id = $2 AND expires_at \
                 <= $3",
            )
            .bind(session.organization_id.as_uuid())
            .bind(session.user_id.as_uuid())
            .bind(session.created_at.as_millis())
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                 $8, $9)"
            ))
            .bind(session.organization_id.as_uuid())
            .bind(session.id.as_uuid())
            .bind(session.user_id.as_uuid())
            .bind(&session.token_hash)
            .bind(session.created_at.as_millis())
            .bind(session.last_seen_at.as_millis())
            .bind(session.expires_at.as_millis())
            .bind(&session.user_agent)
            .bind(&session.ip)
            .execute(&mut *tx)
            .await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn find_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(SessionRecord, User, bool)>> {
        run(async {
            let row: Option<SessionWithUserRow> = sqlx::query_as(&FIND_SESSION)
                .bind(token_hash)
                .bind(now.as_millis())
                .fetch_optional(&self.reader)
                .await?;
            row.map(|r| {
                let user: User = r.user.try_into()?;
                let session = SessionRecord {
                    organization_id: user.organization_id,
                    id: r.session_id.into(),
                    user_id: user.id,
                    token_hash: r.token_hash,
                    created_at: Timestamp::from_millis(r.session_created_at),
                    last_seen_at: Timestamp::from_millis(r.last_seen_at),
                    expires_at: Timestamp::from_millis(r.expires_at),
                    user_agent: r.user_agent,
                    ip: r.ip,
                };
                Ok((session, user, r.must_set_up_totp))
            })
            .transpose()
        })
        .await
    }

    async fn touch_session(&self, session: &SessionRecord) -> Result<()> {
        run(async {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE organization_id = \
                 $3 AND id = $4",
            )
            .bind(session.last_seen_at.as_millis())
            .bind(session.expires_at.as_millis())
            .bind(session.organization_id.as_uuid())
            .bind(session.id.as_uuid())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn list_sessions(
        &self,
        org: OrganizationId,
        user: UserId,
        now: Timestamp,
        page: &DirectoryPage,
    ) -> Result<Rows<SessionRecord>> {
        run(async {
            self.list_directory(
                "sessions",
                SESSION_COLUMNS,
                org,
                |qb| {
                    qb.push(" AND user_id = ")
                        .push_bind(user.as_uuid())
                        .push(" AND expires_at > ")
                        .push_bind(now.as_millis());
                },
                page,
                |r: SessionRow| Ok(r.into()),
            )
            .await
        })
        .await
    }

    async fn delete_session(&self, org: OrganizationId, user: UserId, id: SessionId) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "DELETE FROM sessions WHERE organization_id = $1 AND user_id = $2 AND id = $3",
            )
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .bind(id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("session", result.rows_affected())
        })
        .await
    }

    async fn insert_password_token(&self, token: &PasswordToken) -> Result<()> {
        run(async {
            sqlx::query(
                "INSERT INTO password_tokens (organization_id, token_hash, user_id, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token.organization_id.as_uuid())
            .bind(&token.token_hash)
            .bind(token.user_id.as_uuid())
            .bind(token.created_at.as_millis())
            .bind(token.expires_at.as_millis())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn find_password_token(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(PasswordToken, User)>> {
        run(async {
            let row: Option<TokenRow> = sqlx::query_as(&format!(
                "SELECT t.token_hash, t.created_at AS token_created_at, t.expires_at, {} FROM \
                 password_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = \
                 $1 AND t.expires_at > $2 AND u.active",
                user_columns()
            ))
            .bind(token_hash)
            .bind(now.as_millis())
            .fetch_optional(&self.writer)
            .await?;
            row.map(|r| {
                let user: User = r.user.try_into()?;
                let token = PasswordToken {
                    organization_id: user.organization_id,
                    user_id: user.id,
                    token_hash: r.token_hash,
                    created_at: Timestamp::from_millis(r.token_created_at),
                    expires_at: Timestamp::from_millis(r.expires_at),
                };
                Ok((token, user))
            })
            .transpose()
        })
        .await
    }

    async fn redeem_password_token(
        &self,
        token_hash: &str,
        now: Timestamp,
        change: &PasswordChange,
    ) -> Result<bool> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let used = sqlx::query(
                "DELETE FROM password_tokens WHERE token_hash = $1 AND expires_at > $2 AND \
                 organization_id = $3 AND user_id = $4",
            )
            .bind(token_hash)
            .bind(now.as_millis())
            .bind(change.organization_id.as_uuid())
            .bind(change.user_id.as_uuid())
            .execute(&mut *tx)
            .await?;
            if used.rows_affected() == 0 {
                return Ok(false);
            }
            // Every other link of the person goes too: the password they reset is the one.
            sqlx::query("DELETE FROM password_tokens WHERE organization_id = $1 AND user_id = $2")
                .bind(change.organization_id.as_uuid())
                .bind(change.user_id.as_uuid())
                .execute(&mut *tx)
                .await?;
            Self::apply_password_on(&mut tx, change).await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn set_totp_secret(
        &self,
        org: OrganizationId,
        user: UserId,
        secret: Option<&str>,
    ) -> Result<()> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let result = sqlx::query(
                "UPDATE users SET totp_secret = $1, totp_enabled = FALSE, totp_last_step = NULL \
                 WHERE organization_id = $2 AND id = $3",
            )
            .bind(secret)
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .execute(&mut *tx)
            .await?;
            affected("user", result.rows_affected())?;
            Self::delete_recovery_codes_on(&mut tx, org, user).await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn enable_totp(
        &self,
        org: OrganizationId,
        user: UserId,
        step: i64,
        recovery_code_hashes: &[String],
    ) -> Result<()> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let result = sqlx::query(
                "UPDATE users SET totp_enabled = TRUE, totp_last_step = $1 WHERE organization_id \
                 = $2 AND id = $3 AND totp_secret IS NOT NULL",
            )
            .bind(step)
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .execute(&mut *tx)
            .await?;
            affected("user", result.rows_affected())?;
            Self::delete_recovery_codes_on(&mut tx, org, user).await?;
            if !recovery_code_hashes.is_empty() {
                let mut insert = QueryBuilder::<Db>::new(
                    "INSERT INTO recovery_codes (organization_id, user_id, code_hash) ",
                );
                insert.push_values(recovery_code_hashes, |mut row, hash| {
                    row.push_bind(org.as_uuid())
                        .push_bind(user.as_uuid())
                        .push_bind(hash);
                });
                insert.build().execute(&mut *tx).await?;
            }
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn use_totp_step(&self, org: OrganizationId, user: UserId, step: i64) -> Result<bool> {
        run(async {
            let result = sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE organization_id = $2 AND id = $3 AND \
                 totp_enabled AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .execute(&self.writer)
            .await?;
            Ok(result.rows_affected() == 1)
        })
        .await
    }

    async fn use_recovery_code(
        &self,
        org: OrganizationId,
        user: UserId,
        code_hash: &str,
    ) -> Result<bool> {
        run(async {
            let result = sqlx::query(
                "DELETE FROM recovery_codes WHERE organization_id = $1 AND user_id = $2 AND \
                 code_hash = $3",
            )
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .bind(code_hash)
            .execute(&self.writer)
            .await?;
            Ok(result.rows_affected() == 1)
        })
        .await
    }

    async fn record_audit(&self, org: OrganizationId, entry: &AuditEntry) -> Result<()> {
        run(async {
            sqlx::query(&format!(
                "INSERT INTO audit_log (organization_id, {AUDIT_COLUMNS}) VALUES ($1, $2, $3, \
                 $4, $5, $6, $7, $8, $9, $10, $11)"
            ))
            .bind(org.as_uuid())
            .bind(entry.id.as_uuid())
            .bind(entry.action.as_str())
            .bind(entry.actor_type.as_str())
            .bind(&entry.actor_id)
            .bind(&entry.target_type)
            .bind(&entry.target_id)
            .bind(&entry.ip)
            .bind(&entry.user_agent)
            .bind(Json(&entry.detail))
            .bind(entry.created_at.as_millis())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn list_audit(
        &self,
        org: OrganizationId,
        filter: &AuditFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<AuditEntry>> {
        run(async {
            let filters = |qb: &mut QueryBuilder<'_, Db>| {
                if let Some(actor) = &filter.actor_id {
                    qb.push(" AND actor_id = ").push_bind(actor.clone());
                }
                if let Some(action) = filter.action {
                    qb.push(" AND action = ").push_bind(action.as_str());
                }
            };
            let mut qb = QueryBuilder::<Db>::new(format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE organization_id = "
            ));
            qb.push_bind(org.as_uuid());
            filters(&mut qb);
            // Newest first: the cursor is the oldest entry shown.
            if let PageStart::After(Some(before)) = page.start {
                qb.push(" AND id < ").push_bind(before);
            }
            qb.push(" ORDER BY id DESC LIMIT ")
                .push_bind(i64::from(page.limit) + 1);
            if let PageStart::Offset(offset) = page.start {
                qb.push(" OFFSET ").push_bind(offset as i64);
            }
            let rows: Vec<AuditRow> = qb.build_query_as().fetch_all(&self.reader).await?;
            let mut count =
                QueryBuilder::<Db>::new("SELECT COUNT(*) FROM audit_log WHERE organization_id = ");
            count.push_bind(org.as_uuid());
            filters(&mut count);
            Ok(Rows {
                items: rows
                    .into_iter()
                    .map(TryInto::try_into)
                    .collect::<StoreResult<_>>()?,
                total: self.total(count, page.include_total).await?,
            })
        })
        .await
    }
}
