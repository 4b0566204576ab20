//! `/v1/events` and its live stream.

use std::time::Duration;

use convo_types::{BusinessUnitId, ConversationId, Event, List};
use reqwest::Method;
use serde::Serialize;

use crate::client::backoff;
use crate::{problem, Client, Error, EventQuery, Result};

/// What `events().stream()` yields.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    Event(Box<Event>),
    /// The stream fell too far behind: read `events().list(Some(after), ..)` to catch up.
    Resume {
        after: i64,
    },
    /// A live signal (with `signals: Some(true)`): typing and viewing, presence,
    /// notifications. Not in the event log, so a reconnect does not bring it again.
    Signal(Box<convo_types::Signal>),
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
    /// Also live signals: who types and views, presence, notifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signals: Option<bool>,
}

/// A Server-Sent Events reader of `GET /v1/events/stream`. Heartbeats are skipped; when the
/// connection drops, it is reopened with `Last-Event-ID` (so no event is lost or repeated),
/// giving up after the client's retry count of failed attempts in a row.
pub struct EventStream {
    client: Client,
    filters: StreamFilters,
    response: Option<reqwest::Response>,
    buffer: Vec<u8>,
    /// The id of the last event read: the stream resumes from here after a disconnect.
    pub last_event_id: Option<i64>,
}

impl EventStream {
    /// The next event (or a `Resume` notice). Waits for it, reconnecting as needed; an error
    /// means the server could not be reached again.
    pub async fn next(&mut self) -> Result<StreamItem> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(item) = self.parse(&String::from_utf8_lossy(&block))? {
                    return Ok(item);
                }
                continue;
            }
            let Some(response) = self.response.as_mut() else {
                self.reconnect().await?;
                continue;
            };
            match response.chunk().await {
                Ok(Some(chunk)) => self.buffer.extend_from_slice(&chunk),
                // Dropped or ended: a partial event is read again after the last whole one.
                Ok(None) | Err(_) => {
                    self.response = None;
                    self.buffer.clear();
                }
            }
        }
    }

    async fn reconnect(&mut self) -> Result<()> {
        let mut attempt = 0;
        loop {
            tokio::time::sleep(backoff(attempt)).await;
            match open(&self.client, &self.filters, self.last_event_id).await {
                Ok(response) => {
                    self.response = Some(response);
                    return Ok(());
                }
                Err(error) if attempt >= self.client.retries() => return Err(error),
                Err(_) => attempt += 1,
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
        let value: serde_json::Value = serde_json::from_str(&data).map_err(unexpected)?;
        if value["object_name"] == "signal" {
            let signal = serde_json::from_value(value).map_err(|_| Error::Unexpected {
                status: 200,
                body: data.clone(),
            })?;
            return Ok(Some(StreamItem::Signal(Box::new(signal))));
        }
        let event: Event = serde_json::from_value(value).map_err(|_| Error::Unexpected {
            status: 200,
            body: data.clone(),
        })?;
        self.last_event_id = Some(event.id);
        Ok(Some(StreamItem::Event(Box::new(event))))
    }
}

/// One connection to the live stream, after `after` (or from now).
async fn open(
    client: &Client,
    filters: &StreamFilters,
    after: Option<i64>,
) -> Result<reqwest::Response> {
    // A stream is long-lived: no total timeout, unlike every other call.
    let mut request = client
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
    Ok(response)
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
    /// loop {
    ///     if let StreamItem::Event(event) = stream.next().await? {
    ///         println!("{} {}", event.id, event.event_type);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "streamEvents")]
    pub async fn stream(&self, filters: &StreamFilters, after: Option<i64>) -> Result<EventStream> {
        let response = open(self.0, filters, after).await?;
        Ok(EventStream {
            client: self.0.clone(),
            filters: filters.clone(),
            response: Some(response),
            buffer: Vec::new(),
            last_event_id: after,
        })
    }

    #[doc(alias = "listEvents")]
    pub async fn list(&self, after: Option<i64>, limit: Option<u32>) -> Result<List<Event>> {
        self.0.get("/v1/events", &EventQuery { after, limit }).await
    }
}
