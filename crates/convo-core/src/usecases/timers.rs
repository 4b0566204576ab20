//! Timers that fire: snoozed conversations wake up at their time, and conversations whose
//! contact stays quiet for their business unit's `auto_resolve_after` are resolved.
//!
//! Every node runs [`fire_due`] about once a second. Each change is made under the
//! conversation's row lock and checked again there, so when several nodes find the same due
//! timer, one changes the conversation and the others find nothing left to do.

use std::sync::atomic::{AtomicBool, Ordering};

use convo_types::{
    ContentType, Conversation, ConversationId, EventType, Message, MessageId, MessageType,
    OrganizationId, Participant, Sender, SenderType, Status, Timestamp,
};

use crate::clock::Clock;
use crate::{
    Change, ConversationStore, Error, EventMeta, MessageStore, QuietConversation, Result,
    TimerStore,
};

/// Timers handled per kind per round.
pub const BATCH: u32 = 100;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fired {
    pub woken: usize,
    pub resolved: usize,
}

fn system() -> Participant {
    Participant {
        participant_type: "system".into(),
        id: None,
    }
}

/// Wakes the snoozes and resolves the quiet conversations that are due at `clock.now()`.
pub async fn fire_due(
    store: &(impl ConversationStore + MessageStore + TimerStore + ?Sized),
    clock: &dyn Clock,
) -> Result<Fired> {
    let now = clock.now();
    let mut fired = Fired::default();
    for (org, id) in store.due_snoozes(now, BATCH).await? {
        let due = |c: &Conversation| {
            c.status == Status::Snoozed && c.snoozed_until.is_some_and(|t| t <= now)
        };
        if set_status_when(store, org, id, Status::Open, due).await? {
            fired.woken += 1;
        }
    }
    for quiet in store.quiet_conversations(now, BATCH).await? {
        if resolve_quiet(store, &quiet, now).await? {
            fired.resolved += 1;
        }
    }
    Ok(fired)
}

/// Resolves a conversation whose contact has been quiet too long, with an activity message
/// that says why; `false` when it no longer is (the contact wrote, someone changed it).
async fn resolve_quiet(
    store: &(impl ConversationStore + MessageStore + ?Sized),
    quiet: &QuietConversation,
    now: Timestamp,
) -> Result<bool> {
    let after_ms = quiet.after_seconds.saturating_mul(1000);
    let still_quiet = |c: &Conversation| {
        let since = c.last_incoming_at.unwrap_or(c.created_at);
        matches!(c.status, Status::Open | Status::Pending)
            && since.as_millis().saturating_add(after_ms) <= now.as_millis()
    };
    let (org, id) = (quiet.organization_id, quiet.id);
    if !set_status_when(store, org, id, Status::Resolved, still_quiet).await? {
        return Ok(false);
    }
    let at = Timestamp::now();
    let mut metadata = convo_types::JsonObject::new();
    metadata.insert("timer".into(), "auto_resolve".into());
    metadata.insert("after_seconds".into(), quiet.after_seconds.into());
    let message = Message {
        object_name: "message".into(),
        id: MessageId::new(),
        conversation_id: id,
        message_type: MessageType::Activity,
        sender: Sender {
            sender_type: SenderType::System,
            id: None,
        },
        content: format!(
            "Resolved after {} without a message from the contact.",
            duration_words(quiet.after_seconds)
        ),
        content_type: ContentType::Text,
        attachments: Vec::new(),
        metadata,
        external_id: None,
        status: convo_types::MessageStatus::Sent,
        error: None,
        created_at: at,
        updated_at: at,
    };
    let event = EventMeta {
        event_type: EventType::MessageCreated,
        actor: system(),
    };
    store.create_message(&message, None, &event).await?;
    Ok(true)
}

/// Sets `status` (ending any snooze) as the system, under the row lock, when `due` still holds
/// for the stored conversation; answers whether it did (a gone conversation is not due).
async fn set_status_when(
    store: &(impl ConversationStore + ?Sized),
    org: OrganizationId,
    id: ConversationId,
    status: Status,
    due: impl Fn(&Conversation) -> bool + Send + Sync,
) -> Result<bool> {
    let changed = AtomicBool::new(false);
    let change = |c: &mut Conversation| -> Result<Change> {
        if !due(c) {
            return Ok(Change::Unchanged);
        }
        c.status = status;
        c.snoozed_until = None;
        changed.store(true, Ordering::Relaxed);
        Ok(Change::Write)
    };
    let event = EventMeta {
        event_type: EventType::ConversationStatusChanged,
        actor: system(),
    };
    match store
        .update_conversation(org, id, None, &change, &event)
        .await
    {
        Ok(_) => Ok(changed.load(Ordering::Relaxed)),
        Err(Error::NotFound(_)) => Ok(false),
        Err(error) => Err(error),
    }
}

/// "24 hours", "90 minutes", "45 seconds": the largest whole unit.
fn duration_words(seconds: i64) -> String {
    let (n, unit) = match seconds {
        s if s % 86_400 == 0 => (s / 86_400, "day"),
        s if s % 3_600 == 0 => (s / 3_600, "hour"),
        s if s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::duration_words;

    #[test]
    fn durations_read_in_their_largest_whole_unit() {
        assert_eq!(duration_words(86_400), "1 day");
        assert_eq!(duration_words(7_200), "2 hours");
        assert_eq!(duration_words(5_400), "90 minutes");
        assert_eq!(duration_words(61), "61 seconds");
    }
}
