//! Notifications: what a person should look at (mentions, assignments, handoffs, customer
//! messages in their conversations), to them alone, counted from the rows themselves so the
//! unread count cannot drift from what the list shows.

use convo_types::{
    ConversationId, List, MessageId, Notification, NotificationId, NotificationQuery,
    NotificationSettings, NotificationType, NotificationsRead, Participant, ReadNotifications,
    Timestamp, UpdateNotificationSettings, UserId,
};

use crate::auth::Principal;
use crate::live::{Audience, Broadcast};
use crate::paging::PagingParams;
use crate::rules::MAX_LIST_ITEMS;
use crate::{DirectoryStore, Error, LiveStore, NotificationFilter, Result};

/// What caused notifications: one kind, about one conversation (of `unit`), maybe a message.
pub struct Cause {
    pub notification_type: NotificationType,
    pub conversation_id: ConversationId,
    pub business_unit_id: convo_types::BusinessUnitId,
    pub message_id: Option<MessageId>,
    pub actor: Participant,
}

/// Notifies each of `recipients` once (never the actor, nor someone inactive, who cannot see
/// the conversation, or who turned this kind off), and tells their streams. Runs after the
/// change it announces has committed: a failure here is logged, never answered, so a client
/// never retries (and repeats) a change that was made.
pub async fn notify(
    store: &(impl LiveStore + DirectoryStore + ?Sized),
    org: convo_types::OrganizationId,
    recipients: &[UserId],
    cause: &Cause,
) {
    if let Err(error) = try_notify(store, org, recipients, cause).await {
        tracing::warn!(%error, kind = %cause.notification_type, "a notification was not made");
    }
}

async fn try_notify(
    store: &(impl LiveStore + DirectoryStore + ?Sized),
    org: convo_types::OrganizationId,
    recipients: &[UserId],
    cause: &Cause,
) -> Result<()> {
    let mut recipients = recipients.to_vec();
    recipients.sort_unstable();
    recipients.dedup();
    let actor = cause.actor.id.as_deref();
    let now = Timestamp::now();
    let mut made = Vec::new();
    for id in recipients {
        if actor == Some(id.to_string().as_str()) {
            continue;
        }
        let user = match store.get_user(org, id).await {
            Err(Error::NotFound(_)) => continue,
            other => other?,
        };
        if !user.active || !crate::rules::works_in(&user, cause.business_unit_id) {
            continue;
        }
        let settings = store.get_notification_settings(org, id).await?;
        if !settings.wants(cause.notification_type) {
            continue;
        }
        made.push((
            id,
            Notification {
                object_name: "notification".into(),
                id: NotificationId::new(),
                notification_type: cause.notification_type,
                conversation_id: cause.conversation_id,
                message_id: cause.message_id,
                actor: cause.actor.clone(),
                read_at: None,
                created_at: now,
            },
        ));
    }
    if made.is_empty() {
        return Ok(());
    }
    store.insert_notifications(org, &made).await?;
    for (user, notification) in &made {
        let signal = Broadcast::new(
            org,
            Audience::User(*user),
            "notification.created",
            Some(notification.conversation_id),
            notification,
            now,
        );
        // The row is the truth; a signal lost on the way costs only a live update.
        if let Err(error) = store.send_signal(&signal).await {
            tracing::warn!(%error, "a notification signal was not sent");
        }
    }
    Ok(())
}

fn filter(caller: &Principal, unread_only: bool) -> NotificationFilter {
    NotificationFilter {
        user: caller.user_id,
        business_unit_ids: caller.business_unit_scope(None),
        unread_only,
    }
}

/// `GET /v1/me/notifications`: the acting user's, newest first.
pub async fn list(
    store: &(impl LiveStore + ?Sized),
    caller: &Principal,
    query: NotificationQuery,
    paging: PagingParams,
) -> Result<List<Notification>> {
    let page = paging.into_request()?;
    let rows = store
        .list_notifications(
            caller.organization_id,
            &filter(caller, query.unread == Some(true)),
            &page,
        )
        .await?;
    Ok(rows.into_list(page.limit, |n| n.id.as_uuid()))
}

/// How many of the acting user's notifications are unread (`GET /v1/me`).
pub async fn unread(store: &(impl LiveStore + ?Sized), caller: &Principal) -> Result<i64> {
    store
        .count_unread_notifications(caller.organization_id, &filter(caller, true))
        .await
}

/// `POST /v1/me/notifications/read`: `ids` (another person's are left alone) or `all`.
pub async fn read(
    store: &(impl LiveStore + ?Sized),
    caller: &Principal,
    req: ReadNotifications,
) -> Result<NotificationsRead> {
    let ids = match (req.ids, req.all) {
        (Some(_), true) | (None, false) => {
            return Err(Error::invalid("ids", "give `ids` or `all: true`"));
        }
        (Some(ids), false) if ids.len() > MAX_LIST_ITEMS => {
            return Err(Error::invalid(
                "ids",
                format!("must have at most {MAX_LIST_ITEMS} items"),
            ));
        }
        (ids, _) => ids,
    };
    let read = store
        .read_notifications(
            caller.organization_id,
            caller.user_id,
            ids.as_deref(),
            Timestamp::now(),
        )
        .await?;
    Ok(NotificationsRead {
        object_name: "notifications_read".into(),
        read,
        unread: unread(store, caller).await?,
    })
}

/// `GET /v1/me/notification-settings`.
pub async fn settings(
    store: &(impl LiveStore + ?Sized),
    caller: &Principal,
) -> Result<NotificationSettings> {
    store
        .get_notification_settings(caller.organization_id, caller.user_id)
        .await
}

/// `PATCH /v1/me/notification-settings`: absent kinds stay.
pub async fn update_settings(
    store: &(impl LiveStore + ?Sized),
    caller: &Principal,
    req: UpdateNotificationSettings,
) -> Result<NotificationSettings> {
    let mut settings = settings(store, caller).await?;
    let UpdateNotificationSettings {
        mention,
        assigned,
        handoff_requested,
        message_in_assigned,
    } = req;
    for (kept, given) in [
        (&mut settings.mention, mention),
        (&mut settings.assigned, assigned),
        (&mut settings.handoff_requested, handoff_requested),
        (&mut settings.message_in_assigned, message_in_assigned),
    ] {
        if let Some(given) = given {
            *kept = given;
        }
    }
    store
        .set_notification_settings(caller.organization_id, caller.user_id, &settings)
        .await?;
    Ok(settings)
}
