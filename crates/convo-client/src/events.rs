//! `/v1/events` and its live stream.

use std::time::Duration;

use convo_types::{BusinessUnitId, ConversationId, Event, List};
use reqwest::Method;
use serde::Serialize;

use crate::{problem, Client, Error, EventQuery, Result};

/// What `events().stream()` yields.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    Event(Box<Event>),
    /// The stream fell too far behind: read `events().list(Some(after), ..)` to catch up.
    Resume {
        after: i64,
    },
}

/// Filters of the live stream.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StreamFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_unit_id: Option<BusinessUnitId>,
    /// Comma-separated event types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub types: Option<String>,
}

/// A Server-Sent Events reader of `GET /v1/events/stream`.
pub struct EventStream {
    response: reqwest::Response,
    buffer: Vec<u8>,
    /// The id of the last event read: resume from here after a disconnect.
    pub last_event_id: Option<i64>,
}

impl EventStream {
    /// The next event, or `None` when the server ends the stream.
    pub async fn next(&mut self) -> Result<Option<StreamItem>> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(item) = self.parse(&String::from_utf8_lossy(&block))? {
                    return Ok(Some(item));
                }
                continue;
            }
            match self.response.chunk().await? {
                Some(chunk) => self.buffer.extend_from_slice(&chunk),
                None => return Ok(None),
            }
        }
    }

    pub(crate) fn parse(&mut self, block: &str) -> Result<Option<StreamItem>> {
        let (mut kind, mut data) = (None, String::new());
        for line in block.lines() {
            if let Some(value) = line.strip_prefix("event:") {
                kind = Some(value.trim().to_owned());
            } else if let Some(value) = line.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(value.strip_prefix(' ').unwrap_or(value));
            }
        }
        if data.is_empty() {
            return Ok(None); // a heartbeat
        }
        let unexpected = |_| Error::Unexpected {
            status: 200,
            body: data.clone(),
        };
        if kind.as_deref() == Some("resume") {
            let value: serde_json::Value = serde_json::from_str(&data).map_err(unexpected)?;
            return Ok(Some(StreamItem::Resume {
                after: value["after"].as_i64().unwrap_or(0),
            }));
        }
        let event: Event = serde_json::from_str(&data).map_err(unexpected)?;
        self.last_event_id = Some(event.id);
        Ok(Some(StreamItem::Event(Box::new(event))))
    }
}

/// `/v1/events`: every event of the organization, in order.
pub struct Events<'a>(pub(crate) &'a Client);

impl Events<'_> {
    /// The live stream, from the event after `after` (or from now).
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::{StreamFilters, StreamItem};
    /// let mut stream = client.events().stream(&StreamFilters::default(), None).await?;
    /// while let Some(item) = stream.next().await? {
    ///     if let StreamItem::Event(event) = item {
    ///         println!("{} {}", event.id, event.event_type);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stream(&self, filters: &StreamFilters, after: Option<i64>) -> Result<EventStream> {
        // A stream is long-lived: no total timeout, unlike every other call.
        let mut request = self
            .0
            .request(Method::GET, "/v1/events/stream")
            .query(filters)
            .timeout(Duration::from_secs(60 * 60 * 24 * 365));
        if let Some(after) = after {
            request = request.header("Last-Event-ID", after.to_string());
        }
        let response = request.send().await?;
        let status = response.status();
        if !status.is_success() {
            let bytes = response.bytes().await?;
            return Err(problem(status, &bytes));
        }
        Ok(EventStream {
            response,
            buffer: Vec::new(),
            last_event_id: after,
        })
    }

    pub async fn list(&self, after: Option<i64>, limit: Option<u32>) -> Result<List<Event>> {
        self.0.get("/v1/events", &EventQuery { after, limit }).await
    }
}
