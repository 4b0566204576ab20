//! `GET /v1/events/stream`: the event table as Server-Sent Events.
//!
//! Each stream is a cursor over the table: it reads the next page after the last event sent
//! and, once caught up, sleeps until a wake-up for its organization (from this node or, on
//! PostgreSQL, any node). The table is the truth, so a resumed stream (`Last-Event-ID`) has no
//! gap and no duplicate, and a slow client costs one page of memory, never more.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use convo_core::auth::Principal;
use convo_core::live::Broadcast;
use convo_core::usecases::events::{stream_filter, MAX_STREAM_LAG};
use convo_core::{EventFilter, Store};
use convo_types::{BusinessUnitId, ConversationId};
use futures_util::Stream;
use prometheus_client::metrics::gauge::Gauge;
use serde::Deserialize;
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::AppState;

/// Heartbeat comments keep proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Re-read even without a wake-up now and then (a lost notification costs at most this).
const REPOLL: Duration = Duration::from_secs(5);
/// Events buffered per stream between the table and a slow client.
const BUFFER: usize = 64;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    pub conversation_id: Option<ConversationId>,
    pub business_unit_id: Option<BusinessUnitId>,
    /// Event types, comma-separated (`message.created,conversation.status_changed`).
    #[param(value_type = Option<Vec<convo_types::EventType>>, style = Form, explode = false, min_items = 1)]
    pub types: Option<String>,
    /// Start after this event id (the `Last-Event-ID` header takes precedence); without
    /// either, the stream starts with the next event.
    pub after: Option<i64>,
    /// Also send live signals (without an id): `conversation.activity`,
    /// `user.presence_changed`, `notification.created`.
    pub signals: Option<bool>,
}

/// Every event of the key's organization and business units as it happens, `id` being the
/// event id. Resume with `Last-Event-ID`. A client that falls more than 10,000 events behind
/// gets a `resume` event (`{"after": id}`) and should read `GET /v1/events?after=` instead.
///
/// With `signals=true`, live signals come too, without an id (they are not in the event
/// log): `conversation.activity` (who types or views, in the units the key sees),
/// `user.presence_changed`, and `notification.created` (to its person's streams only). An
/// open stream counts its person as present.
#[utoipa::path(get, path = "/v1/events/stream", operation_id = "streamEvents", tag = "events", params(StreamQuery, ("Last-Event-ID" = Option<String>, Header)), responses(
    (status = 200, description = "text/event-stream of events", content_type = "text/event-stream"),
    (status = 404, body = convo_types::Problem),
))]
pub async fn stream(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<StreamQuery>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let store = state.store.clone();
    let filter = stream_filter(
        store.as_ref(),
        &caller,
        q.conversation_id,
        q.business_unit_id,
        q.types.as_deref(),
    )
    .await?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(q.after);
    let start = match resume {
        Some(id) => id.max(0),
        None => store.latest_event_id(caller.organization_id).await?,
    };
    // Subscribe before the first read, so nothing committed in between is slept through.
    let wakeups = store.event_wakeups();
    let signals = SignalFilter {
        receiver: store.signals(),
        caller: caller.clone(),
        conversation_id: q.conversation_id,
        wanted: q.signals == Some(true),
    };
    let connection = state
        .live
        .connect(&store, caller.organization_id, caller.user_id);
    let (sender, receiver) = mpsc::channel(BUFFER);
    let follower = Follower::new(&state.metrics.stream_followers);
    tokio::spawn(async move {
        follow(
            store,
            state.signer.clone(),
            filter,
            start,
            wakeups,
            signals,
            sender,
            state.stopping.clone(),
        )
        .await;
        drop(follower);
        drop(connection);
    });
    let events = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|event| (Ok(event), receiver))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(HEARTBEAT)))
}

/// Counts an open stream in `/metrics` while it lives.
struct Follower(Gauge);

impl Follower {
    fn new(gauge: &Gauge) -> Self {
        gauge.inc();
        Follower(gauge.clone())
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The live signals one stream carries.
struct SignalFilter {
    receiver: broadcast::Receiver<Broadcast>,
    caller: Principal,
    conversation_id: Option<ConversationId>,
    /// The stream asked for signals.
    wanted: bool,
}

impl SignalFilter {
    /// The next signal for this stream, as sent; `None` when signals ended.
    async fn next(&mut self) -> Option<SseEvent> {
        loop {
            let broadcast = match self.receiver.recv().await {
                Ok(broadcast) => broadcast,
                // Signals are ephemeral: missing a few while behind is what they allow.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            let about = broadcast.signal.conversation_id;
            if !self.wanted
                || !broadcast.reaches(&self.caller)
                || (self.conversation_id.is_some() && about != self.conversation_id)
            {
                continue;
            }
            let data = serde_json::to_string(&broadcast.signal).unwrap_or_default();
            return Some(
                SseEvent::default()
                    .event(broadcast.signal.signal_type.as_str())
                    .data(data),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn follow(
    store: Arc<dyn Store>,
    signer: Arc<convo_core::files::UrlSigner>,
    mut filter: EventFilter,
    mut after: i64,
    mut wakeups: broadcast::Receiver<convo_types::OrganizationId>,
    mut signals: SignalFilter,
    sender: mpsc::Sender<SseEvent>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let org = filter.organization_id;
    loop {
        filter.after = after;
        let page = match store.list_events(&filter).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(%error, "event stream read failed; closing the stream");
                return;
            }
        };
        let full = page.len() as u32 == filter.limit;
        if full && store.latest_event_id(org).await.unwrap_or(after) - after > MAX_STREAM_LAG {
            let resume = SseEvent::default()
                .event("resume")
                .data(serde_json::json!({ "after": after }).to_string());
            let _ = sender.send(resume).await;
            return;
        }
        for mut event in page {
            after = event.id;
            signer.sign_event(&mut event, convo_types::Timestamp::now());
            let data = serde_json::to_string(&event).unwrap_or_default();
            let sse = SseEvent::default()
                .id(event.id.to_string())
                .event(event.event_type.as_str())
                .data(data);
            if sender.send(sse).await.is_err() {
                return; // the client left
            }
        }
        if full {
            continue;
        }
        // Caught up: sleep until this organization has something new, passing signals on.
        loop {
            let signal = tokio::select! {
                () = sender.closed() => return,
                _ = stopping.wait_for(|stop| *stop) => return,
                () = tokio::time::sleep(REPOLL) => break,
                signal = signals.next() => match signal {
                    Some(signal) => signal,
                    None => return,
                },
                woke = wakeups.recv() => match woke {
                    Ok(woken) if woken == org => break,
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if sender.send(signal).await.is_err() {
                return;
            }
        }
    }
}
