//! A deadline for a whole request body (`--body-deadline-ms`): the per-chunk pause limit
//! alone lets a body that sends a byte now and then run for ever.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// A body that fails with [`BodyDeadlineError`] once its deadline has passed.
struct Deadline {
    inner: Body,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

/// The body did not arrive in time as a whole (answered `408`, see `ApiError::unreadable_body`).
#[derive(Debug)]
pub struct BodyDeadlineError;

impl std::fmt::Display for BodyDeadlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the body took longer than the server allows to arrive")
    }
}

impl std::error::Error for BodyDeadlineError {}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(BodyDeadlineError))));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Gives every request with a body its deadline.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let limit = Duration::from_millis(state.settings.body_deadline_ms.max(1));
    let request = request.map(|inner| {
        Body::new(Deadline {
            inner,
            deadline: Box::pin(tokio::time::sleep(limit)),
        })
    });
    next.run(request).await
}
