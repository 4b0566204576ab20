//! The accept loop: the router on hyper, with what `axum::serve` leaves out. A client gets
//! `header_timeout` to send each request's headers, which also closes a keep-alive connection
//! idle that long; at most `max_connections` are open at once (past it, new ones wait in the
//! listen backlog, and a log line says so); each request knows its client's address.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// How long a full server waits between log lines saying so.
const FULL_LOG_EVERY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

/// File descriptors kept for the database, log files and outgoing webhooks.
const RESERVED_FILES: u64 = 256;

/// Raises the soft limit of open files to the hard one, and says when `max_connections`
/// cannot be reached under it.
pub fn raise_open_files_limit(max_connections: usize) {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) if limit < max_connections as u64 + RESERVED_FILES => tracing::warn!(
            open_files_limit = limit,
            max_connections,
            "the open-files limit is below --max-connections plus {RESERVED_FILES}: raise \
             `ulimit -n` (or LimitNOFILE= in a systemd unit), or lower --max-connections"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "could not read the open-files limit"),
    }
}

/// The most a connection's read buffer holds (and so the largest head read): twice the
/// headers' limit, room for the request line and a first piece of the body.
const READ_BUFFER_BYTES: usize = 2 * crate::head::MAX_HEADER_BYTES;

/// Serves `app` on `listener` until `shutdown` resolves, then waits for open requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        // A head larger than this is refused (`431`) before more of it is read, so a client
        // cannot make a pending connection hold hyper's default ~400 KB: heads up to
        // [`crate::head::MAX_HEADER_BYTES`] are read, and answered as problem+json past it.
        .max_buf_size(READ_BUFFER_BYTES);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_timeout)
        .keep_alive_timeout(limits.header_timeout);
    let mut last_full_log: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = slot(&open, limits.max_connections, &mut last_full_log) => match permit {
                Some(permit) => permit,
                None => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most often: wait for some to close.
                    tracing::warn!(%error, "could not accept a connection; retrying shortly");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |request: Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            // HTTP/1's header timer starts with the first byte, and telling HTTP/1 from
            // HTTP/2 waits for bytes with no timer at all: a connection that sends nothing
            // within the header timeout is closed here, so silent ones cannot hold slots.
            let mut first = [0u8; 1];
            match tokio::time::timeout(header_timeout, stream.peek(&mut first)).await {
                Ok(Ok(read)) if read > 0 => {}
                _ => return drop(permit),
            }
            let connection = builder
                .serve_connection_with_upgrades(
                    TokioIo::new(stream),
                    TowerToHyperService::new(service),
                )
                .into_owned();
            finish(watcher.watch(connection), permit, peer).await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A free connection slot, waiting (and saying so, now and then) while all are taken; `None`
/// only if the semaphore were closed, which nothing does.
async fn slot(
    open: &Arc<Semaphore>,
    max: usize,
    last_log: &mut Option<Instant>,
) -> Option<OwnedSemaphorePermit> {
    if let Ok(permit) = open.clone().try_acquire_owned() {
        return Some(permit);
    }
    if last_log.is_none_or(|at| at.elapsed() >= FULL_LOG_EVERY) {
        tracing::warn!(
            max_connections = max,
            "connection limit reached: new connections wait until one closes \
             (raise --max-connections, and `ulimit -n` with it)"
        );
        *last_log = Some(Instant::now());
    }
    open.clone().acquire_owned().await.ok()
}

async fn finish<C>(connection: C, permit: OwnedSemaphorePermit, peer: SocketAddr)
where
    C: Future<Output = Result<(), Box<dyn std::error::Error + Send + Sync>>>,
{
    if let Err(error) = connection.await {
        tracing::debug!(%peer, %error, "connection ended with an error");
    }
    drop(permit);
}
