//! Drafts: what a person has started writing, kept on the server so it follows them from
//! tab to tab and survives a lost connection; sending a message of its type clears it.

use convo_types::{ConversationId, Draft, MessageType, SaveDraft, Scope, Timestamp};

use crate::auth::Principal;
use crate::rules::{Checks, MAX_CONTENT_CHARS};
use crate::usecases::conversations::visible_ref;
use crate::{ConversationStore, Error, Result, TeamworkStore};

/// `PUT /v1/conversations/{id}/draft`: the acting user's draft, replacing their earlier one.
pub async fn save(
    store: &(impl ConversationStore + TeamworkStore + ?Sized),
    caller: &Principal,
    conversation_id: ConversationId,
    req: SaveDraft,
) -> Result<Draft> {
    caller.require(Scope::MessagesWrite)?;
    let mut checks = Checks::new();
    if req.content.chars().count() > MAX_CONTENT_CHARS {
        checks.fail(
            "content",
            format!("must be at most {MAX_CONTENT_CHARS} characters"),
        );
    }
    let message_type = req.message_type.unwrap_or(MessageType::Outgoing);
    if !matches!(message_type, MessageType::Outgoing | MessageType::Note) {
        checks.fail(
            "message_type",
            "a draft is a reply (`outgoing`) or a `note`",
        );
    }
    checks.finish()?;
    visible_ref(store, caller, conversation_id).await?;
    let draft = Draft {
        object_name: "draft".into(),
        conversation_id,
        user_id: caller.user_id,
        message_type,
        content: req.content,
        updated_at: Timestamp::now(),
    };
    store.save_draft(caller.organization_id, &draft).await?;
    Ok(draft)
}

/// `GET /v1/conversations/{id}/draft`: `404` when the acting user has none there.
pub async fn get(
    store: &(impl ConversationStore + TeamworkStore + ?Sized),
    caller: &Principal,
    conversation_id: ConversationId,
) -> Result<Draft> {
    caller.require(Scope::MessagesRead)?;
    visible_ref(store, caller, conversation_id).await?;
    store
        .get_draft(caller.organization_id, conversation_id, caller.user_id)
        .await
}

/// `DELETE /v1/conversations/{id}/draft`.
pub async fn delete(
    store: &(impl ConversationStore + TeamworkStore + ?Sized),
    caller: &Principal,
    conversation_id: ConversationId,
) -> Result<()> {
    caller.require(Scope::MessagesWrite)?;
    visible_ref(store, caller, conversation_id).await?;
    match store
        .delete_draft(caller.organization_id, conversation_id, caller.user_id)
        .await
    {
        Err(Error::NotFound(_)) => Err(Error::NotFound("draft")),
        other => other,
    }
}
