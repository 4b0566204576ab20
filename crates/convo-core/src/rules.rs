//! The product's rules, written once: status categories, metadata merging, input limits.

use convo_types::{
    Address, FieldError, JsonObject, Message, MessageStatus, MessageType, Sender, SenderType,
    Status, UserId,
};
use rand::Rng;

use crate::{Error, Result};

pub use convo_types::limits::*;

/// Where a status sits in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusCategory {
    Active,
    Waiting,
    Done,
}

pub fn category(status: Status) -> StatusCategory {
    match status {
        Status::Open | Status::Running => StatusCategory::Active,
        Status::Pending | Status::Snoozed | Status::Paused => StatusCategory::Waiting,
        Status::Resolved
        | Status::Closed
        | Status::Completed
        | Status::Failed
        | Status::Cancelled => StatusCategory::Done,
    }
}

/// Whether a delivery receipt moves a message from `current` to `reported`: forward along
/// `pending` → `sent` → `delivered` → `read`, or to `failed` from anything but `failed`.
/// Anything else is a receipt arriving late (or repeated) and changes nothing; `failed` is
/// final (a retry is a new message).
pub fn delivery_advances(current: MessageStatus, reported: MessageStatus) -> bool {
    fn rank(status: MessageStatus) -> u8 {
        match status {
            MessageStatus::Pending => 0,
            MessageStatus::Sent => 1,
            MessageStatus::Delivered => 2,
            MessageStatus::Read => 3,
            MessageStatus::Failed => 4,
        }
    }
    current != MessageStatus::Failed && rank(reported) > rank(current)
}

/// An incoming message reopens a conversation that is done, snoozed or pending (the customer
/// wrote back): a support conversation to `open`, an AI-agent run to `running`. A paused run
/// stays paused: someone paused it on purpose.
pub fn status_after_message(current: Status, message_type: MessageType) -> Option<Status> {
    if message_type != MessageType::Incoming {
        return None;
    }
    match current {
        Status::Completed | Status::Failed | Status::Cancelled => Some(Status::Running),
        Status::Resolved | Status::Closed | Status::Snoozed | Status::Pending => Some(Status::Open),
        Status::Open | Status::Running | Status::Paused => None,
    }
}

/// How much of a message lists show.
pub const PREVIEW_CHARS: usize = 140;

pub fn preview(content: &str) -> String {
    content.chars().take(PREVIEW_CHARS).collect()
}

/// An unguessable name for a video room (22 base62 characters, about 131 random bits).
pub fn new_room() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::thread_rng();
    (0..22)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Merges a patch into stored metadata: keys are set, a key set to `null` is removed.
pub fn merge_metadata(stored: &mut JsonObject, patch: JsonObject) {
    for (key, value) in patch {
        if value.is_null() {
            stored.remove(&key);
        } else {
            stored.insert(key, value);
        }
    }
}

/// A short, URL-safe, unguessable id (12 base62 characters, about 71 random bits).
pub fn new_public_id() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// An http(s) URL with a host, written with its scheme in lower case (as the schemas' pattern
/// says).
pub fn http_url(text: &str) -> std::result::Result<url::Url, &'static str> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return Err("must be an http(s) URL");
    }
    let parsed = url::Url::parse(text).map_err(|_| "is not a valid URL")?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("needs a host");
    }
    Ok(parsed)
}

/// Collects every invalid field of a request, so a client learns them all at once.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// A string of at most `max` characters; with `required`, not blank either.
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize, required: bool) {
        match value {
            Some(v) if v.chars().count() > max => {
                self.fail(field, format!("must be at most {max} characters"))
            }
            Some(v) if required && is_blank(v) => self.fail(field, "must not be blank"),
            None if required => self.fail(field, "is required"),
            _ => {}
        }
    }

    pub fn email(&mut self, field: &str, value: Option<&str>) {
        self.text(field, value, MAX_EMAIL_CHARS, false);
        if let Some(v) = value {
            let well_formed = v
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
            if !well_formed || v.chars().any(is_space) {
                self.fail(field, "is not an email address");
            }
        }
    }

    pub fn url(&mut self, field: &str, value: Option<&str>) {
        self.text(field, value, MAX_URL_CHARS, false);
        if let Some(v) = value {
            if let Err(message) = http_url(v) {
                self.fail(field, message);
            }
        }
    }

    pub fn object(&mut self, field: &str, value: Option<&JsonObject>) {
        if let Some(v) = value {
            let size = serde_json::to_vec(v).map(|b| b.len()).unwrap_or(usize::MAX);
            if size > MAX_OBJECT_BYTES {
                self.fail(
                    field,
                    format!("must serialize to at most {MAX_OBJECT_BYTES} bytes"),
                );
            }
        }
    }

    pub fn count(&mut self, field: &str, len: usize) {
        if len > MAX_LIST_ITEMS {
            self.fail(field, format!("must have at most {MAX_LIST_ITEMS} items"));
        }
    }

    pub fn address(&mut self, field: &str, value: Option<&Address>) {
        if let Some(a) = value {
            for (part, text, max) in [
                ("type", &a.address_type, MAX_ADDRESS_TYPE_CHARS),
                ("target", &a.target, MAX_IDENTIFIER_CHARS),
                ("target_name", &a.target_name, MAX_NAME_CHARS),
                ("name", &a.name, MAX_NAME_CHARS),
                ("detail", &a.detail, MAX_DETAIL_CHARS),
            ] {
                self.text(&format!("{field}.{part}"), Some(text), max, false);
            }
        }
    }

    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}

/// Most newer messages a `conversation_moved_on` answer names.
pub const MAX_NEWER_MESSAGES: usize = 100;

/// The stale-reply guard: whether a message that came after the newest one `sender` has seen
/// is news to them: the contact's, or another team member's reply or note. Their own
/// messages and activity lines are not.
pub fn is_news_to(sender: &Sender, message_type: MessageType, from: &Sender) -> bool {
    match message_type {
        MessageType::Incoming => true,
        MessageType::Activity => false,
        MessageType::Outgoing | MessageType::Note => from != sender,
    }
}

/// The draft a sent message replaces: its sender's (a person or an AI agent) of the same
/// type: a reply clears the reply being written, a note the note.
pub fn draft_cleared_by(message: &Message) -> Option<UserId> {
    let by_person = matches!(
        message.sender.sender_type,
        SenderType::User | SenderType::AiAgent
    );
    let written = matches!(
        message.message_type,
        MessageType::Outgoing | MessageType::Note
    );
    if by_person && written {
        message.sender.id.as_deref()?.parse().ok()
    } else {
        None
    }
}

/// The people a text mentions as `@[Name](user:<id>)`, in order, each once.
pub fn mentioned_in(content: &str) -> Vec<UserId> {
    const MARK: &str = "](user:";
    let mut found: Vec<UserId> = Vec::new();
    let mut rest = content;
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        let Some(end) = rest.find(')') else { break };
        if let Ok(id) = rest[..end].trim().parse::<UserId>() {
            if !found.contains(&id) {
                found.push(id);
            }
        }
    }
    found
}

/// Whether a person works in a business unit: theirs are listed, or none are (every unit).
pub fn works_in(user: &convo_types::User, unit: convo_types::BusinessUnitId) -> bool {
    user.business_unit_ids.is_empty() || user.business_unit_ids.contains(&unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    #[test]
    fn every_status_has_one_category() {
        assert_eq!(category(Status::Open), StatusCategory::Active);
        assert_eq!(category(Status::Snoozed), StatusCategory::Waiting);
        assert_eq!(category(Status::Cancelled), StatusCategory::Done);
        assert_eq!(Status::ALL.len(), 10);
    }

    #[test]
    fn receipts_only_move_forward_and_failed_is_final() {
        use MessageStatus::*;
        assert!(delivery_advances(Pending, Sent));
        assert!(delivery_advances(Sent, Read));
        assert!(!delivery_advances(Delivered, Sent));
        assert!(!delivery_advances(Read, Read));
        assert!(delivery_advances(Read, Failed));
        assert!(delivery_advances(Pending, Failed));
        for status in MessageStatus::ALL {
            assert!(!delivery_advances(Failed, *status));
        }
    }

    #[test]
    fn incoming_messages_reopen_done_conversations() {
        assert_eq!(
            status_after_message(Status::Resolved, MessageType::Incoming),
            Some(Status::Open)
        );
        assert_eq!(
            status_after_message(Status::Completed, MessageType::Incoming),
            Some(Status::Running)
        );
        assert_eq!(
            status_after_message(Status::Pending, MessageType::Incoming),
            Some(Status::Open)
        );
        assert_eq!(
            status_after_message(Status::Snoozed, MessageType::Incoming),
            Some(Status::Open)
        );
        assert_eq!(
            status_after_message(Status::Paused, MessageType::Incoming),
            None
        );
        assert_eq!(
            status_after_message(Status::Closed, MessageType::Outgoing),
            None
        );
        assert_eq!(preview(&"é".repeat(200)).chars().count(), PREVIEW_CHARS);
    }

    #[test]
    fn public_ids_are_short_and_distinct() {
        let a = new_public_id();
        assert_eq!(a.len(), 12);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, new_public_id());
    }

    #[test]
    fn checks_collect_every_failure() {
        let mut checks = Checks::new();
        checks.text("name", Some(&"x".repeat(201)), MAX_NAME_CHARS, true);
        checks.email("email", Some("nope"));
        checks.url("image", Some("ftp://x"));
        let Err(Error::Validation(errors)) = checks.finish() else {
            panic!("expected a validation error");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "image"]);
    }

    fn small_object() -> impl Strategy<Value = JsonObject> {
        prop::collection::btree_map(
            "[a-d]",
            prop_oneof![Just(Value::Null), any::<i32>().prop_map(|n| json!(n))],
            0..4,
        )
        .prop_map(|m| m.into_iter().collect())
    }

    proptest! {
        #[test]
        fn merge_sets_patched_keys_removes_nulls_and_keeps_the_rest(
            stored in small_object(), patch in small_object()
        ) {
            let mut stored: JsonObject = stored.into_iter().filter(|(_, v)| !v.is_null()).collect();
            let before = stored.clone();
            merge_metadata(&mut stored, patch.clone());
            for (key, value) in &patch {
                if value.is_null() {
                    prop_assert!(!stored.contains_key(key));
                } else {
                    prop_assert_eq!(stored.get(key), Some(value));
                }
            }
            for (key, value) in &before {
                if !patch.contains_key(key) {
                    prop_assert_eq!(stored.get(key), Some(value));
                }
            }
            prop_assert!(stored.values().all(|v| !v.is_null()));
        }
    }

    #[test]
    fn mentions_are_read_from_their_markup_once_each() {
        let lan: UserId = "01936b1e-7c2a-7000-8000-000000000001".parse().unwrap();
        let minh: UserId = "01936b1e-7c2a-7000-8000-000000000002".parse().unwrap();
        let text = format!(
            "@[Lan](user:{lan}) and @[Minh](user:{minh}), again @[Lan](user:{lan}); \
             not @[x](user:nope) nor [y](user:"
        );
        assert_eq!(mentioned_in(&text), vec![lan, minh]);
        assert!(mentioned_in("no one").is_empty());
    }

    #[test]
    fn news_is_the_contacts_and_other_team_members() {
        let me = Sender {
            sender_type: SenderType::User,
            id: Some("a".into()),
        };
        let other = Sender {
            id: Some("b".into()),
            ..me.clone()
        };
        let contact = Sender {
            sender_type: SenderType::Contact,
            id: None,
        };
        assert!(is_news_to(&me, MessageType::Incoming, &contact));
        assert!(is_news_to(&me, MessageType::Note, &other));
        assert!(is_news_to(&me, MessageType::Outgoing, &other));
        assert!(!is_news_to(&me, MessageType::Outgoing, &me));
        assert!(!is_news_to(&me, MessageType::Activity, &other));
    }
}
