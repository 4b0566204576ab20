//! What the command line prints: tables for people, JSON with `--json`.

use convo_types::{
    ApiKey, BusinessUnit, Channel, Contact, Conversation, Event, Message, Organization, SearchHit,
    User,
};
use serde::Serialize;
use serde_json::Value;

/// A type shown as one row of a table.
pub trait Row {
    fn headers() -> &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

fn short(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max - 1).collect::<String>())
    } else {
        line.to_owned()
    }
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

impl Row for Conversation {
    fn headers() -> &'static [&'static str] {
        &[
            "ID",
            "STATUS",
            "PRIORITY",
            "CONTROL",
            "NAME",
            "USERS",
            "MESSAGES",
            "TIMESTAMP",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let users: Vec<&str> = self.users.iter().map(|u| u.name.as_str()).collect();
        vec![
            self.id.to_string(),
            self.status.to_string(),
            self.priority.to_string(),
            self.control.control_type.to_string(),
            short(&self.name, 40),
            users.join(","),
            self.counts.messages.to_string(),
            self.timestamp.to_string(),
        ]
    }
}

impl Row for convo_types::Label {
    fn headers() -> &'static [&'static str] {
        &["ID", "NAME", "COLOR", "DESCRIPTION"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.color.clone(),
            short(&self.description, 40),
        ]
    }
}

impl Row for SearchHit {
    fn headers() -> &'static [&'static str] {
        &["ID", "SCORE", "NAME", "MATCH"]
    }
    fn cells(&self) -> Vec<String> {
        let snippet = self.search.highlights.first().map(|h| {
            short(
                &h.snippet.replace("<mark>", "[").replace("</mark>", "]"),
                60,
            )
        });
        vec![
            self.conversation.id.to_string(),
            format!("{:.3}", self.search.score),
            short(&self.conversation.name, 30),
            or_dash(snippet),
        ]
    }
}

impl Row for Message {
    fn headers() -> &'static [&'static str] {
        &["ID", "TYPE", "SENDER", "CONTENT", "CREATED"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.message_type.to_string(),
            self.sender.sender_type.to_string(),
            short(&self.content, 50),
            self.created_at.to_string(),
        ]
    }
}

impl Row for Contact {
    fn headers() -> &'static [&'static str] {
        &["ID", "EXTERNAL ID", "NAME", "EMAIL", "PHONE"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            or_dash(self.external_id.as_ref()),
            or_dash(self.name.as_ref()),
            or_dash(self.email.as_ref()),
            or_dash(self.phone.as_ref()),
        ]
    }
}

impl Row for Channel {
    fn headers() -> &'static [&'static str] {
        &["ID", "TYPE", "IDENTIFIER", "NAME", "BUSINESS UNIT"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.channel_type.to_string(),
            self.identifier.clone(),
            self.name.clone(),
            self.business_unit_id.to_string(),
        ]
    }
}

impl Row for User {
    fn headers() -> &'static [&'static str] {
        &["ID", "NAME", "EMAIL", "KIND", "ROLE", "ACTIVE"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            or_dash(self.email.as_ref()),
            self.kind.to_string(),
            self.role.to_string(),
            self.active.to_string(),
        ]
    }
}

impl Row for BusinessUnit {
    fn headers() -> &'static [&'static str] {
        &["ID", "NAME", "CREATED"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.created_at.to_string(),
        ]
    }
}

impl Row for ApiKey {
    fn headers() -> &'static [&'static str] {
        &["ID", "NAME", "PREFIX", "SCOPES", "LAST USED"]
    }
    fn cells(&self) -> Vec<String> {
        let scopes: Vec<&str> = self.scopes.iter().map(|s| s.as_str()).collect();
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.prefix.clone(),
            scopes.join(","),
            or_dash(self.last_used_at),
        ]
    }
}

impl Row for Organization {
    fn headers() -> &'static [&'static str] {
        &["ID", "NAME", "CREATED"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            self.created_at.to_string(),
        ]
    }
}

impl Row for Event {
    fn headers() -> &'static [&'static str] {
        &["ID", "TYPE", "CONVERSATION", "ACTOR", "CREATED"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.event_type.to_string(),
            or_dash(self.conversation_id),
            or_dash(self.actor.id.as_ref()),
            self.created_at.to_string(),
        ]
    }
}

impl Row for convo_types::CannedResponse {
    fn headers() -> &'static [&'static str] {
        &["ID", "SHORT CODE", "TITLE", "SCOPE", "CONTENT"]
    }
    fn cells(&self) -> Vec<String> {
        let scope = match (self.user_id, self.business_unit_id) {
            (Some(_), _) => "personal".to_owned(),
            (None, Some(unit)) => format!("unit {unit}"),
            (None, None) => "organization".to_owned(),
        };
        vec![
            self.id.to_string(),
            format!("/{}", self.short_code),
            short(&self.title, 30),
            scope,
            short(&self.content, 40),
        ]
    }
}

impl Row for convo_types::SavedView {
    fn headers() -> &'static [&'static str] {
        &["ID", "NAME", "SHARED", "FILTERS"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            short(&self.name, 30),
            self.shared.to_string(),
            short(
                &serde_json::to_string(&self.filters).unwrap_or_default(),
                60,
            ),
        ]
    }
}

impl Row for convo_types::Notification {
    fn headers() -> &'static [&'static str] {
        &["ID", "TYPE", "CONVERSATION", "BY", "READ", "CREATED"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.notification_type.to_string(),
            self.conversation_id.to_string(),
            or_dash(self.actor.id.as_ref()),
            or_dash(self.read_at),
            self.created_at.to_string(),
        ]
    }
}

impl Row for convo_types::BulkResult {
    fn headers() -> &'static [&'static str] {
        &["ID", "STATUS", "OUTCOME"]
    }
    fn cells(&self) -> Vec<String> {
        let outcome = match (&self.conversation, &self.error) {
            (Some(c), _) => format!("{} {}", c.status, c.priority),
            (None, Some(problem)) => format!("{}: {}", problem.code, short(&problem.detail, 50)),
            (None, None) => "-".into(),
        };
        vec![self.id.to_string(), self.status.to_string(), outcome]
    }
}

/// A live signal, in the columns of an event (it has no id).
impl Row for convo_types::Signal {
    fn headers() -> &'static [&'static str] {
        Event::headers()
    }
    fn cells(&self) -> Vec<String> {
        let who = self.data["user"]["id"]
            .as_str()
            .or(self.data["id"].as_str())
            .unwrap_or("-");
        vec![
            "-".into(),
            self.signal_type.clone(),
            or_dash(self.conversation_id),
            who.to_owned(),
            self.created_at.to_string(),
        ]
    }
}

/// What printing answers, so a command can end with it.
pub type Printed = convo_client::Result<()>;

impl Row for convo_types::Webhook {
    fn headers() -> &'static [&'static str] {
        &["ID", "URL", "TYPES", "ACTIVE"]
    }
    fn cells(&self) -> Vec<String> {
        let types: Vec<&str> = self.event_types.iter().map(|t| t.as_str()).collect();
        let types = if types.is_empty() {
            "all".to_owned()
        } else {
            types.join(",")
        };
        vec![
            self.id.to_string(),
            self.url.clone(),
            types,
            self.active.to_string(),
        ]
    }
}

impl Row for convo_types::WebhookDelivery {
    fn headers() -> &'static [&'static str] {
        &["ID", "EVENT", "TYPE", "STATUS", "ATTEMPTS", "LAST ANSWER"]
    }
    fn cells(&self) -> Vec<String> {
        let last = self.attempts.last().map(|a| {
            a.status_code
                .map_or_else(|| a.error.clone().unwrap_or_default(), |s| s.to_string())
        });
        vec![
            self.id.to_string(),
            self.event_id.to_string(),
            self.event_type.to_string(),
            self.status.to_string(),
            self.attempts.len().to_string(),
            or_dash(last),
        ]
    }
}

pub struct Output {
    pub json: bool,
}

impl Output {
    /// One object: JSON, or its fields one per line.
    pub fn one<T: Serialize>(&self, value: &T) -> Printed {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
            return Ok(());
        }
        let Value::Object(fields) = value else {
            println!("{value}");
            return Ok(());
        };
        let width = fields.keys().map(String::len).max().unwrap_or(0);
        for (key, field) in fields {
            let shown = match field {
                Value::String(text) => text,
                Value::Null => "-".to_owned(),
                other => other.to_string(),
            };
            println!("{key:width$}  {shown}");
        }
        Ok(())
    }

    /// Many objects: JSON (with `next_cursor`), or a table.
    pub fn rows<T: Serialize + Row>(&self, rows: &[T], next_cursor: Option<&str>) -> Printed {
        if self.json {
            let page = serde_json::json!({"data": rows, "next_cursor": next_cursor});
            println!(
                "{}",
                serde_json::to_string_pretty(&page).unwrap_or_default()
            );
            return Ok(());
        }
        let cells: Vec<Vec<String>> = rows.iter().map(Row::cells).collect();
        let headers = T::headers();
        let widths: Vec<usize> = (0..headers.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([headers[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |values: Vec<String>| {
            let padded: Vec<String> = values
                .iter()
                .zip(&widths)
                .map(|(v, w)| format!("{v:w$}", w = *w))
                .collect();
            println!("{}", padded.join("  ").trim_end());
        };
        line(headers.iter().map(|h| (*h).to_owned()).collect());
        for row in cells {
            line(row);
        }
        if let Some(cursor) = next_cursor {
            eprintln!("more: --cursor {cursor} (or --all)");
        }
        Ok(())
    }

    /// One row as it arrives (a streamed event): a JSON line, or the row's cells.
    pub fn line<T: Serialize + Row>(&self, row: &T) -> Printed {
        if self.json {
            println!("{}", serde_json::to_string(row).unwrap_or_default());
        } else {
            println!("{}", row.cells().join("  "));
        }
        Ok(())
    }

    /// Says `what` happened, when it did.
    pub fn done(&self, result: Printed, what: &str) -> Printed {
        result?;
        if self.json {
            println!("{}", serde_json::json!({"ok": true}));
        } else {
            println!("{what}");
        }
        Ok(())
    }

    /// A line for people only (on stderr with `--json`, so scripts get clean JSON).
    pub fn note(&self, text: &str) {
        if self.json {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }
}

impl Row for convo_types::Invitation {
    fn headers() -> &'static [&'static str] {
        &["ID", "EMAIL", "ROLE", "EXPIRES", "MAILED"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.role.to_string(),
            self.expires_at.to_string(),
            self.mailed.to_string(),
        ]
    }
}

impl Row for convo_types::Session {
    fn headers() -> &'static [&'static str] {
        &["ID", "CURRENT", "LAST SEEN", "IP", "USER AGENT"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.current.to_string(),
            self.last_seen_at.to_string(),
            self.ip.clone().unwrap_or_else(|| "-".into()),
            self.user_agent.clone().unwrap_or_else(|| "-".into()),
        ]
    }
}

impl Row for convo_types::AuditEntry {
    fn headers() -> &'static [&'static str] {
        &["WHEN", "ACTION", "ACTOR", "TARGET", "IP"]
    }
    fn cells(&self) -> Vec<String> {
        let target = match (&self.target_type, &self.target_id) {
            (Some(kind), Some(id)) => format!("{kind} {id}"),
            _ => "-".into(),
        };
        vec![
            self.created_at.to_string(),
            self.action.to_string(),
            self.actor_id
                .clone()
                .unwrap_or_else(|| self.actor_type.to_string()),
            target,
            self.ip.clone().unwrap_or_else(|| "-".into()),
        ]
    }
}
