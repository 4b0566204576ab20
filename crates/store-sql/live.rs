//! What is live: signals between nodes, presence, and each person's notifications.

use crate::sql::prelude::*;
use convo_core::live::{self, Broadcast};
use convo_core::{LiveStore, NotificationFilter};
use convo_types::{Notification, NotificationId, NotificationSettings, NotificationType, Presence};

#[derive(FromRow)]
struct NotificationRow {
    id: Uuid,
    notification_type: String,
    conversation_id: Uuid,
    message_id: Option<Uuid>,
    actor: Json<Participant>,
    read_at: Option<i64>,
    created_at: i64,
}

impl TryFrom<NotificationRow> for Notification {
    type Error = StoreError;

    fn try_from(r: NotificationRow) -> StoreResult<Self> {
        Ok(Notification {
            object_name: "notification".into(),
            id: r.id.into(),
            notification_type: parse_text(&r.notification_type, NotificationType::parse)?,
            conversation_id: r.conversation_id.into(),
            message_id: r.message_id.map(Into::into),
            actor: r.actor.0,
            read_at: r.read_at.map(Timestamp::from_millis),
            created_at: Timestamp::from_millis(r.created_at),
        })
    }
}

/// The person's notifications they may see: about live conversations of their units.
fn push_visible(qb: &mut QueryBuilder<'_, Db>, org: OrganizationId, filter: &NotificationFilter) {
    qb.push(" FROM notifications n JOIN conversations c ON c.id = n.conversation_id WHERE ")
        .push("n.organization_id = ")
        .push_bind(org.as_uuid())
        .push(" AND n.user_id = ")
        .push_bind(filter.user.as_uuid())
        .push(" AND c.deleted_at IS NULL");
    if let Some(units) = &filter.business_unit_ids {
        push_in_ids(qb, "c.business_unit_id", units.iter().map(|u| u.as_uuid()));
    }
    if filter.unread_only {
        qb.push(" AND n.read_at IS NULL");
    }
}

/// The users among `ids` whose shown presence is not what `live::presence` says for them
/// (connected or not): it is written, and they are answered as they show now.
async fn settle_presence(conn: &mut Conn, ids: &[Uuid], connected: bool) -> StoreResult<Vec<User>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb =
        QueryBuilder::<Db>::new("SELECT id, presence, presence_said FROM users WHERE 1 = 1");
    push_in_ids(&mut qb, "id", ids.iter().copied());
    let rows: Vec<(Uuid, String, Option<String>)> =
        qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut changed = Vec::new();
    for (id, shown, said) in rows {
        let said = said.as_deref().and_then(Presence::parse);
        let now = live::presence(said, connected);
        if now.as_str() != shown {
            sqlx::query("UPDATE users SET presence = $1 WHERE id = $2")
                .bind(now.as_str())
                .bind(id)
                .execute(&mut *conn)
                .await?;
            changed.push(id);
        }
    }
    fetch_users(conn, &changed).await
}

async fn fetch_users(conn: &mut Conn, ids: &[Uuid]) -> StoreResult<Vec<User>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(format!("SELECT {USER_COLUMNS} FROM users WHERE 1 = 1"));
    push_in_ids(&mut qb, "id", ids.iter().copied());
    let rows: Vec<UserRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    rows.into_iter().map(User::try_from).collect()
}

#[async_trait]
impl LiveStore for SqlStore {
    fn signals(&self) -> tokio::sync::broadcast::Receiver<Broadcast> {
        self.signals.subscribe()
    }

    async fn send_signal(&self, broadcast: &Broadcast) -> Result<()> {
        run(async {
            match NOTIFY_SIGNAL {
                // Every node (this one too) hears it from the database.
                Some(notify) => {
                    let payload = serde_json::to_string(broadcast).map_err(StoreError::internal)?;
                    sqlx::query(notify)
                        .bind(payload)
                        .execute(&self.writer)
                        .await?;
                }
                None => {
                    let _ = self.signals.send(broadcast.clone());
                }
            }
            Ok(())
        })
        .await
    }

    async fn heartbeat_presence(
        &self,
        people: &[(OrganizationId, UserId)],
        now: Timestamp,
    ) -> Result<Vec<User>> {
        run(async {
            let ids: Vec<Uuid> = people.iter().map(|(_, u)| u.as_uuid()).collect();
            let mut tx = self.writer.begin().await?;
            for chunk in ids.chunks(ROWS_PER_INSERT) {
                let mut qb = QueryBuilder::<Db>::new("UPDATE users SET presence_seen_at = ");
                qb.push_bind(now.as_millis()).push(" WHERE 1 = 1");
                push_in_ids(&mut qb, "id", chunk.iter().copied());
                qb.build().execute(&mut *tx).await?;
            }
            let changed = settle_presence(&mut tx, &ids, true).await?;
            tx.commit().await?;
            Ok(changed)
        })
        .await
    }

    async fn say_presence(
        &self,
        org: OrganizationId,
        user: UserId,
        said: Option<Presence>,
        now: Timestamp,
    ) -> Result<Option<User>> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let seen: Option<(Option<i64>,)> = sqlx::query_as(
                "UPDATE users SET presence_said = $1 WHERE organization_id = $2 AND id = $3 \
                 RETURNING presence_seen_at",
            )
            .bind(said.map(Presence::as_str))
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .fetch_optional(&mut *tx)
            .await?;
            let (seen_at,) = found("user")(seen)?;
            let connected =
                seen_at.is_some_and(|at| at >= now.as_millis() - live::PRESENCE_STALE_MS);
            let changed = settle_presence(&mut tx, &[user.as_uuid()], connected).await?;
            tx.commit().await?;
            Ok(changed.into_iter().next())
        })
        .await
    }

    async fn expire_presence(&self, stale_before: Timestamp, limit: i64) -> Result<Vec<User>> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let stale: Vec<(Uuid,)> = sqlx::query_as(&format!(
                "SELECT id FROM users WHERE presence <> 'offline' AND (presence_seen_at IS NULL \
                 OR presence_seen_at < $1) LIMIT $2{LOCK_FOR_UPDATE}"
            ))
            .bind(stale_before.as_millis())
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
            let ids: Vec<Uuid> = stale.into_iter().map(|(id,)| id).collect();
            let changed = settle_presence(&mut tx, &ids, false).await?;
            tx.commit().await?;
            Ok(changed)
        })
        .await
    }

    async fn insert_notifications(
        &self,
        org: OrganizationId,
        notifications: &[(UserId, Notification)],
    ) -> Result<()> {
        run(async {
            for chunk in notifications.chunks(ROWS_PER_INSERT) {
                let mut qb = QueryBuilder::<Db>::new(
                    "INSERT INTO notifications (organization_id, id, user_id, notification_type, \
                     conversation_id, message_id, actor, read_at, created_at) ",
                );
                qb.push_values(chunk, |mut row, (user, n)| {
                    row.push_bind(org.as_uuid())
                        .push_bind(n.id.as_uuid())
                        .push_bind(user.as_uuid())
                        .push_bind(n.notification_type.as_str())
                        .push_bind(n.conversation_id.as_uuid())
                        .push_bind(n.message_id.map(|m| m.as_uuid()))
                        .push_bind(Json(&n.actor))
                        .push_bind(n.read_at.map(Timestamp::as_millis))
                        .push_bind(n.created_at.as_millis());
                });
                qb.build().execute(&self.writer).await?;
            }
            Ok(())
        })
        .await
    }

    async fn list_notifications(
        &self,
        org: OrganizationId,
        filter: &NotificationFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<Notification>> {
        run(async {
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT n.id, n.notification_type, n.conversation_id, n.message_id, n.actor, \
                 n.read_at, n.created_at",
            );
            push_visible(&mut qb, org, filter);
            if let PageStart::After(Some(after)) = page.start {
                qb.push(" AND n.id < ").push_bind(after);
            }
            qb.push(" ORDER BY n.id DESC LIMIT ")
                .push_bind(i64::from(page.limit) + 1);
            if let PageStart::Offset(offset) = page.start {
                qb.push(" OFFSET ").push_bind(offset as i64);
            }
            let rows: Vec<NotificationRow> = qb.build_query_as().fetch_all(&self.reader).await?;
            let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*)");
            push_visible(&mut count, org, filter);
            Ok(Rows {
                items: rows
                    .into_iter()
                    .map(Notification::try_from)
                    .collect::<StoreResult<_>>()?,
                total: self.total(count, page.include_total).await?,
            })
        })
        .await
    }

    async fn count_unread_notifications(
        &self,
        org: OrganizationId,
        filter: &NotificationFilter,
    ) -> Result<i64> {
        run(async {
            let mut qb = QueryBuilder::<Db>::new("SELECT COUNT(*)");
            push_visible(&mut qb, org, filter);
            if !filter.unread_only {
                qb.push(" AND n.read_at IS NULL");
            }
            let (count,): (i64,) = qb.build_query_as().fetch_one(&self.reader).await?;
            Ok(count)
        })
        .await
    }

    async fn read_notifications(
        &self,
        org: OrganizationId,
        user: UserId,
        ids: Option<&[NotificationId]>,
        at: Timestamp,
    ) -> Result<i64> {
        run(async {
            let mut qb = QueryBuilder::<Db>::new("UPDATE notifications SET read_at = ");
            qb.push_bind(at.as_millis())
                .push(" WHERE organization_id = ")
                .push_bind(org.as_uuid())
                .push(" AND user_id = ")
                .push_bind(user.as_uuid())
                .push(" AND read_at IS NULL");
            if let Some(ids) = ids {
                if ids.is_empty() {
                    return Ok(0);
                }
                push_in_ids(&mut qb, "id", ids.iter().map(|id| id.as_uuid()));
            }
            let result = qb.build().execute(&self.writer).await?;
            Ok(result.rows_affected() as i64)
        })
        .await
    }

    async fn members_wanting_messages(
        &self,
        org: OrganizationId,
        conversation: ConversationId,
    ) -> Result<Vec<UserId>> {
        run(async {
            let rows: Vec<(Uuid,)> = sqlx::query_as(
                "SELECT s.user_id FROM notification_settings s JOIN conversation_members m ON \
                 m.user_id = s.user_id WHERE s.organization_id = $1 AND m.conversation_id = $2 \
                 AND s.message_in_assigned",
            )
            .bind(org.as_uuid())
            .bind(conversation.as_uuid())
            .fetch_all(&self.reader)
            .await?;
            Ok(rows.into_iter().map(|(id,)| id.into()).collect())
        })
        .await
    }

    async fn get_notification_settings(
        &self,
        org: OrganizationId,
        user: UserId,
    ) -> Result<NotificationSettings> {
        run(async {
            let row: Option<(bool, bool, bool, bool)> = sqlx::query_as(
                "SELECT mention, assigned, handoff_requested, message_in_assigned FROM \
                 notification_settings WHERE organization_id = $1 AND user_id = $2",
            )
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            Ok(match row {
                None => NotificationSettings::default(),
                Some((mention, assigned, handoff_requested, message_in_assigned)) => {
                    NotificationSettings {
                        mention,
                        assigned,
                        handoff_requested,
                        message_in_assigned,
                        ..Default::default()
                    }
                }
            })
        })
        .await
    }

    async fn set_notification_settings(
        &self,
        org: OrganizationId,
        user: UserId,
        settings: &NotificationSettings,
    ) -> Result<()> {
        run(async {
            sqlx::query(
                "INSERT INTO notification_settings (organization_id, user_id, mention, assigned, \
                 handoff_requested, message_in_assigned) VALUES ($1, $2, $3, $4, $5, $6) ON \
                 CONFLICT (user_id) DO UPDATE SET mention = excluded.mention, assigned = \
                 excluded.assigned, handoff_requested = excluded.handoff_requested, \
                 message_in_assigned = excluded.message_in_assigned",
            )
            .bind(org.as_uuid())
            .bind(user.as_uuid())
            .bind(settings.mention)
            .bind(settings.assigned)
            .bind(settings.handoff_requested)
            .bind(settings.message_in_assigned)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }
}
