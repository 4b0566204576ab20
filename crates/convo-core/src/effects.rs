//! What a change does to a conversation, as pure functions: the stores read the state under
//! their row lock, apply these, and persist what they answer.

use convo_types::{LastMessage, Message, MessageType, Status, Timestamp};

use crate::rules;
use crate::ConversationRecord;

/// The part of a conversation that a new message moves.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationActivity {
    pub status: Status,
    pub snoozed_until: Option<Timestamp>,
    /// When the contact last wrote.
    pub last_incoming_at: Option<Timestamp>,
    /// Reply times: the first and latest outgoing message, and the oldest unanswered
    /// incoming one.
    pub first_reply_at: Option<Timestamp>,
    pub last_outgoing_at: Option<Timestamp>,
    pub waiting_since: Option<Timestamp>,
    pub message_count: i64,
    /// Incoming messages so far (unread counts are measured against it).
    pub incoming_count: i64,
    /// When anything last happened in it (the wire `timestamp`).
    pub activity_at: Timestamp,
    pub updated_at: Timestamp,
    pub last_message: Option<LastMessage>,
    /// The `ETag`: every change increases it.
    pub version: i64,
}

impl ConversationActivity {
    /// Whether `message` would reopen the conversation as it is now.
    pub fn reopened_by(&self, message: &Message) -> bool {
        rules::status_after_message(self.status, message.message_type).is_some()
    }

    /// What a new message does to its conversation: activity time, message count, last
    /// message, reply times, version, and reopening when `rules::status_after_message` says so (which also
    /// ends a snooze). Answers whether it reopened it.
    pub fn add_message(&mut self, message: &Message) -> bool {
        let reopened = rules::status_after_message(self.status, message.message_type);
        if let Some(status) = reopened {
            self.status = status;
            self.snoozed_until = None;
        }
        let at = message.created_at;
        match message.message_type {
            MessageType::Incoming => {
                self.last_incoming_at = Some(at);
                self.waiting_since.get_or_insert(at);
                self.incoming_count += 1;
            }
            MessageType::Outgoing => {
                self.first_reply_at.get_or_insert(at);
                self.last_outgoing_at = Some(at);
                self.waiting_since = None;
            }
            MessageType::Note | MessageType::Activity => {}
        }
        self.activity_at = message.created_at;
        self.updated_at = message.created_at;
        self.message_count += 1;
        self.last_message = Some(last_message(message));
        self.version += 1;
        reopened.is_some()
    }

    /// Writes this activity over the same fields of `record`.
    pub fn apply_to(&self, record: &mut ConversationRecord) {
        let c = &mut record.conversation;
        c.status = self.status;
        c.snoozed_until = self.snoozed_until;
        c.last_incoming_at = self.last_incoming_at;
        c.first_reply_at = self.first_reply_at;
        c.last_outgoing_at = self.last_outgoing_at;
        c.waiting_since = self.waiting_since;
        c.counts.incoming = self.incoming_count;
        c.timestamp = self.activity_at;
        c.updated_at = self.updated_at;
        c.counts.messages = self.message_count;
        c.last_message.clone_from(&self.last_message);
        record.version = self.version;
    }
}

/// What a conversation shows of its newest message.
pub fn last_message(message: &Message) -> LastMessage {
    LastMessage {
        id: message.id,
        message_type: message.message_type,
        sender: message.sender.clone(),
        preview: rules::preview(&message.content),
        created_at: message.created_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convo_types::{
        BusinessUnitId, ContentType, Conversation, ConversationCounts, ConversationId,
        ConversationType, JsonObject, MessageId, MessageType, OrganizationId, Sender, SenderType,
    };
    use proptest::prelude::*;
    use rules::StatusCategory;

    fn message(message_type: MessageType, at: i64, content: &str) -> Message {
        Message {
            object_name: "message".into(),
            id: MessageId::new(),
            conversation_id: ConversationId::new(),
            message_type,
            sender: Sender {
                sender_type: SenderType::Contact,
                id: None,
            },
            content: content.into(),
            content_type: ContentType::Text,
            attachments: vec![],
            metadata: JsonObject::new(),
            external_id: None,
            status: convo_types::MessageStatus::Sent,
            error: None,
            created_at: Timestamp::from_millis(at),
            updated_at: Timestamp::from_millis(at),
        }
    }

    fn activity(status: Status) -> ConversationActivity {
        ConversationActivity {
            status,
            snoozed_until: Some(Timestamp::from_millis(9_000)),
            last_incoming_at: None,
            first_reply_at: None,
            last_outgoing_at: None,
            waiting_since: None,
            message_count: 3,
            incoming_count: 0,
            activity_at: Timestamp::from_millis(1_000),
            updated_at: Timestamp::from_millis(1_000),
            last_message: None,
            version: 7,
        }
    }

    #[test]
    fn an_incoming_message_reopens_a_resolved_conversation() {
        let mut a = activity(Status::Resolved);
        let m = message(MessageType::Incoming, 2_000, "hello again");
        assert!(a.reopened_by(&m));
        assert!(a.add_message(&m));
        assert_eq!(a.status, Status::Open);
        assert_eq!(a.snoozed_until, None);
        assert_eq!(a.message_count, 4);
        assert_eq!(a.version, 8);
        assert_eq!(a.activity_at, Timestamp::from_millis(2_000));
        assert_eq!(a.last_message.as_ref().map(|l| l.id), Some(m.id));
    }

    #[test]
    fn an_outgoing_message_leaves_the_status_alone() {
        let mut a = activity(Status::Resolved);
        let m = message(MessageType::Outgoing, 2_000, "we fixed it");
        assert!(!a.add_message(&m));
        assert_eq!(a.status, Status::Resolved);
        assert_eq!(a.snoozed_until, Some(Timestamp::from_millis(9_000)));
    }

    #[test]
    fn a_finished_run_starts_running_again() {
        let mut a = activity(Status::Failed);
        assert!(a.add_message(&message(MessageType::Incoming, 2_000, "retry")));
        assert_eq!(a.status, Status::Running);
    }

    #[test]
    fn the_last_message_shows_a_preview() {
        let long = "x".repeat(rules::PREVIEW_CHARS + 50);
        let mut a = activity(Status::Open);
        a.add_message(&message(MessageType::Incoming, 2_000, &long));
        let last = a.last_message.expect("last message");
        assert_eq!(last.preview.chars().count(), rules::PREVIEW_CHARS);
    }

    #[test]
    fn apply_to_overwrites_only_the_activity() {
        let mut a = activity(Status::Closed);
        a.add_message(&message(MessageType::Incoming, 5_000, "back"));
        let mut record = record(Status::Closed);
        let name = record.conversation.name.clone();
        a.apply_to(&mut record);
        assert_eq!(record.conversation.status, Status::Open);
        assert_eq!(record.conversation.counts.messages, 4);
        assert_eq!(record.conversation.timestamp, Timestamp::from_millis(5_000));
        assert_eq!(record.version, 8);
        assert_eq!(record.conversation.name, name);
    }

    fn record(status: Status) -> ConversationRecord {
        let at = Timestamp::from_millis(1_000);
        ConversationRecord {
            conversation: Conversation {
                object_name: "conversation".into(),
                id: ConversationId::new(),
                public_id: "p".into(),
                organization_id: OrganizationId::new(),
                business_unit_id: BusinessUnitId::new(),
                channel_id: None,
                channel_type: None,
                channel_ids: vec![],
                contact_id: None,
                conversation_type: ConversationType::Direct,
                status,
                name: "Billing".into(),
                topic: "Billing".into(),
                detail: String::new(),
                metadata: JsonObject::new(),
                inputs: JsonObject::new(),
                agent_id: None,
                assignment_id: None,
                owner_type: None,
                owner_id: None,
                dialog_id: None,
                self_address: None,
                peer: None,
                parent_id: None,
                snoozed_until: None,
                priority: Default::default(),
                control: Default::default(),
                handoff: None,
                labels: vec![],
                users: vec![],
                viewers: vec![],
                typing: vec![],
                counts: ConversationCounts::default(),
                last_message: None,
                last_incoming_at: None,
                first_reply_at: None,
                waiting_since: None,
                last_outgoing_at: None,
                unread_count: None,
                contact_read: None,
                timestamp: at,
                created_at: at,
                updated_at: at,
                deleted_at: None,
            },
            created_by_key_id: None,
            version: 7,
        }
    }

    fn any_status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL)
    }

    fn any_type() -> impl Strategy<Value = MessageType> {
        prop::sample::select(MessageType::ALL)
    }

    proptest! {
        /// Whatever the messages, each adds one to the count and the version, the activity
        /// follows the newest, a conversation reopens at most once in a row of messages, and
        /// after an incoming message it is never done.
        #[test]
        fn messages_move_the_conversation(
            status in any_status(),
            types in prop::collection::vec(any_type(), 1..20),
        ) {
            let mut a = activity(status);
            let mut reopens = 0;
            for (i, message_type) in types.iter().enumerate() {
                let at = 2_000 + i as i64;
                let m = message(*message_type, at, "text");
                let would = a.reopened_by(&m);
                // Done, snoozed and pending support conversations reopen; a paused run does not.
                let waiting_or_done = rules::category(a.status) == StatusCategory::Done
                    || matches!(a.status, Status::Snoozed | Status::Pending);
                let reopened = a.add_message(&m);
                prop_assert_eq!(would, reopened);
                prop_assert_eq!(
                    reopened,
                    waiting_or_done && *message_type == MessageType::Incoming
                );
                if reopened {
                    reopens += 1;
                    prop_assert_eq!(a.snoozed_until, None);
                }
                if *message_type == MessageType::Incoming {
                    prop_assert!(rules::category(a.status) != StatusCategory::Done);
                    prop_assert_eq!(a.last_incoming_at, Some(Timestamp::from_millis(at)));
                    prop_assert!(a.waiting_since.is_some());
                }
                if *message_type == MessageType::Outgoing {
                    prop_assert_eq!(a.waiting_since, None);
                    prop_assert_eq!(a.last_outgoing_at, Some(Timestamp::from_millis(at)));
                }
                // Waiting since the first incoming message after the latest outgoing one.
                let answered = types[..=i].iter().rposition(|t| *t == MessageType::Outgoing);
                let first_unanswered = types[..=i]
                    .iter()
                    .enumerate()
                    .skip(answered.map_or(0, |j| j + 1))
                    .find(|(_, t)| **t == MessageType::Incoming)
                    .map(|(j, _)| Timestamp::from_millis(2_000 + j as i64));
                prop_assert_eq!(a.waiting_since, first_unanswered);
                prop_assert_eq!(a.activity_at, Timestamp::from_millis(at));
                prop_assert_eq!(a.last_message.as_ref().map(|l| l.id), Some(m.id));
            }
            prop_assert!(reopens <= 1);
            prop_assert_eq!(a.message_count, 3 + types.len() as i64);
            prop_assert_eq!(a.version, 7 + types.len() as i64);
            let incoming = types.iter().filter(|t| **t == MessageType::Incoming).count();
            prop_assert_eq!(a.incoming_count, incoming as i64);
            let first_reply = types.iter().position(|t| *t == MessageType::Outgoing);
            prop_assert_eq!(a.first_reply_at, first_reply.map(|j| Timestamp::from_millis(2_000 + j as i64)));
        }
    }
}
