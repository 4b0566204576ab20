//! Presence and what people do in a conversation right now (typing, viewing): signals to
//! every node's streams, never in the event log.

use convo_types::{
    ActivityReport, ConversationId, Presence, ReportActivity, Scope, SetPresence, SimpleUser,
    Timestamp, User,
};

use crate::auth::Principal;
use crate::live::{activity_expires, Audience, Broadcast};
use crate::usecases::conversations::visible_ref;
use crate::{ConversationStore, DirectoryStore, LiveStore, Result};

/// `POST /v1/conversations/{id}/activity`: tells every stream that sees the conversation.
pub async fn report(
    store: &(impl ConversationStore + DirectoryStore + LiveStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    req: ReportActivity,
) -> Result<()> {
    caller.require(Scope::ConversationsRead)?;
    let conversation = visible_ref(store, caller, id).await?;
    let user = store
        .get_user(caller.organization_id, caller.user_id)
        .await?;
    let now = Timestamp::now();
    let report = ActivityReport {
        conversation_id: id,
        user: SimpleUser {
            id: user.id,
            name: user.name,
            kind: user.kind,
            avatar_url: user.avatar_url,
        },
        activity: req.activity,
        expires_at: activity_expires(req.activity, now),
    };
    store
        .send_signal(&Broadcast::new(
            caller.organization_id,
            Audience::Unit(conversation.business_unit_id),
            "conversation.activity",
            Some(id),
            &report,
            now,
        ))
        .await
}

/// Tells everyone of the organization that these people's presence changed.
pub async fn announce(store: &(impl LiveStore + ?Sized), changed: &[User]) -> Result<()> {
    let now = Timestamp::now();
    for user in changed {
        store
            .send_signal(&Broadcast::new(
                user.organization_id,
                Audience::Organization,
                "user.presence_changed",
                None,
                user,
                now,
            ))
            .await?;
    }
    Ok(())
}

/// `PUT /v1/me/presence`: `online` lets open streams decide again.
pub async fn set(
    store: &(impl LiveStore + DirectoryStore + ?Sized),
    caller: &Principal,
    req: SetPresence,
) -> Result<User> {
    let said = (req.status != Presence::Online).then_some(req.status);
    let changed = store
        .say_presence(
            caller.organization_id,
            caller.user_id,
            said,
            Timestamp::now(),
        )
        .await?;
    match changed {
        Some(user) => {
            announce(store, std::slice::from_ref(&user)).await?;
            Ok(user)
        }
        None => store.get_user(caller.organization_id, caller.user_id).await,
    }
}
