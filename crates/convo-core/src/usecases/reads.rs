//! Read markers: each team member's horizon in a conversation (their unread counts follow
//! from it) and the contact's, which channel integrations report as "seen".

use convo_types::{Conversation, ConversationId, EventType, MarkRead, Participant, Scope};

use crate::auth::Principal;
use crate::usecases::conversations;
use crate::{ConversationRecord, ConversationStore, EventMeta, ReadStore, Reader, Result};

/// `POST /v1/conversations/{id}/read`: the acting user's horizon, or with `contact: true` the
/// contact's (which records `conversation.read_by_contact`). Answers the conversation.
pub async fn mark_read(
    store: &(impl ConversationStore + ReadStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    req: MarkRead,
) -> Result<ConversationRecord> {
    // Reading is the user's own state; the contact's is the conversation's, which a writer
    // (the channel integration) reports.
    caller.require(if req.contact {
        Scope::ConversationsWrite
    } else {
        Scope::ConversationsRead
    })?;
    let conversation = conversations::visible_ref(store, caller, id).await?;
    let reader = if req.contact {
        Reader::Contact
    } else {
        Reader::User(caller.user_id)
    };
    // Recorded only when the contact read (a user's horizon is their own).
    let event = EventMeta {
        event_type: EventType::ConversationReadByContact,
        actor: Participant {
            participant_type: "contact".into(),
            id: conversation.contact_id.map(|id| id.to_string()),
        },
    };
    store
        .mark_read(caller.organization_id, id, reader, req.message_id, &event)
        .await
}

/// A reader's unread count: the incoming messages less those their horizon covers (never
/// below zero: a deleted message may have been read).
pub fn unread(incoming: i64, seen: i64) -> i64 {
    (incoming - seen).max(0)
}

/// Whether a reader has unread messages (what the members' tallies count).
pub fn has_unread(incoming: i64, seen: i64) -> bool {
    unread(incoming, seen) > 0
}

/// Sets `unread_count` on conversations answered to `caller` that were not read with it
/// already (lists and gets read it in their own statement; changes answer without).
pub async fn show_unread<'a>(
    store: &(impl ReadStore + ?Sized),
    caller: &Principal,
    conversations: impl IntoIterator<Item = &'a mut Conversation>,
) -> Result<()> {
    let conversations: Vec<&mut Conversation> = conversations
        .into_iter()
        .filter(|c| c.unread_count.is_none())
        .collect();
    let ids: Vec<ConversationId> = conversations
        .iter()
        .filter(|c| c.counts.incoming > 0)
        .map(|c| c.id)
        .collect();
    let seen = if ids.is_empty() {
        Default::default()
    } else {
        store
            .seen_incoming(caller.organization_id, caller.user_id, &ids)
            .await?
    };
    for c in conversations {
        let read = seen.get(&c.id).copied().unwrap_or(0);
        c.unread_count = Some(unread(c.counts.incoming, read));
    }
    Ok(())
}
