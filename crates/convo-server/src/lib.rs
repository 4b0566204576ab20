//! The convo HTTP server. [`launch`] takes a bound listener, so tests run it on port 0.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::Router;
use convo_core::Store;
use convo_store_postgres::PostgresStore;
use convo_store_sqlite::SqliteStore;
use convo_types::ErrorCode;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi;
use utoipa::{Modify, OpenApi as _};
use utoipa_axum::router::OpenApiRouter;

pub mod auth;
pub mod config;
pub mod contract;
mod deadline;
mod delivery;
pub mod error;
pub mod extract;
mod head;
mod idempotency;
pub mod live;
mod mail;
pub mod metrics;
mod oidc;
pub mod ratelimit;
pub mod routes;
mod serve;
pub mod session;
pub mod telemetry;
mod timers;

pub use config::{LogFormat, Settings};
use error::ApiError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    /// Turns `true` when the server starts shutting down: long-lived streams end then, so
    /// the graceful shutdown does not wait on them forever.
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// Verified API keys (see [`auth::KeyCache`]).
    pub keys: Arc<auth::KeyCache>,
    /// Session cookies that authenticated lately (see [`auth::RecentSessions`]).
    pub sessions: Arc<auth::RecentSessions>,
    /// Requests per key and per client address (see [`ratelimit`]).
    pub limits: Arc<ratelimit::RateLimits>,
    /// What `/metrics` reports.
    pub metrics: Arc<metrics::Metrics>,
    /// Seals webhook secrets at rest (see `convo_core::sealed`).
    pub secrets: Arc<convo_core::sealed::SecretBox>,
    /// Sends invitations and password-reset links, when `--smtp-url` is set.
    pub mailer: Option<Arc<dyn convo_core::mail::Mailer>>,
    /// The OpenID provider people sign in with, when `--oidc-issuer` is set.
    pub oidc: Option<Arc<oidc::Oidc>>,
    /// Where stored files' bytes live (`--storage`).
    pub files: Arc<dyn convo_core::files::FileStorage>,
    /// Signs and checks the links to stored files.
    pub signer: Arc<convo_core::files::UrlSigner>,
    /// Who is connected here, and who types in and views what (see [`live`]).
    pub live: Arc<live::Live>,
}

impl AppState {
    /// A message as answered: the links of its stored attachments signed now.
    pub fn signed(&self, mut message: convo_types::Message) -> convo_types::Message {
        self.signer
            .sign_message(&mut message, convo_types::Timestamp::now());
        message
    }

    /// A page of messages as answered.
    pub fn signed_list(
        &self,
        mut list: convo_types::List<convo_types::Message>,
    ) -> convo_types::List<convo_types::Message> {
        let now = convo_types::Timestamp::now();
        for message in &mut list.data {
            self.signer.sign_message(message, now);
        }
        list
    }

    /// A page of events as answered: a message's stored attachments with links signed now.
    pub fn signed_events(
        &self,
        mut list: convo_types::List<convo_types::Event>,
    ) -> convo_types::List<convo_types::Event> {
        let now = convo_types::Timestamp::now();
        for event in &mut list.data {
            self.signer.sign_event(event, now);
        }
        list
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "convo", description = "A self-hostable backend for customer conversations: \
        who the customer is, which channel and business unit a conversation came through, its \
        status, who answers it, its messages and sub-threads. Send the API key as \
        `Authorization: Bearer <key>`, or sign in as a person (`POST /v1/sessions`, a cookie); errors are `application/problem+json` with a stable `code`."),
    tags(
        (name = "conversations", description = "Conversations: create, find, change, search, sub-conversations."),
        (name = "team", description = "Who answers a conversation: team members, views and their counts."),
        (name = "handoff", description = "Who is in control of a conversation, an AI agent or a human, and the handoffs between them."),
        (name = "labels", description = "Organization-wide labels, put on conversations and filtered by."),
        (name = "messages", description = "The messages of a conversation, and each person's draft of the next one."),
        (name = "working together", description = "What keeps a team from stepping on each other: who is typing and viewing, presence, notifications."),
        (name = "canned responses", description = "Replies kept for reuse: personal, per business unit or organization-wide, found by short code and filled in for a conversation."),
        (name = "views", description = "Saved views: named filter sets of the conversation list, personal or shared, counted like the built-in views."),
        (name = "contacts", description = "Customers."),
        (name = "channels", description = "Where conversations come from: web sites, phone numbers, LINE accounts, ..."),
        (name = "business units", description = "The parts of an organization that conversations belong to."),
        (name = "users", description = "Team members and AI agents."),
        (name = "api keys", description = "Keys, their scopes and the user they act as."),
        (name = "sessions", description = "People sign in: sessions (a cookie), their own profile and password, two factors, password resets and the audit log."),
        (name = "organizations", description = "Tenants; managed with a `platform` key."),
        (name = "events", description = "What happened, in order: a list to poll and a live stream."),
        (name = "webhooks", description = "Events POSTed to your URL, signed the Standard Webhooks way."),
        (name = "admin v2", description = "The conversation routes of the AI-agent platform admin API, as its clients call them."),
        (name = "connect360 (tRPC)", description = "Connect360's conversation procedures over tRPC's HTTP protocol, for `@trpc/client`: a query is `GET /trpc/<procedure>?input=<JSON>`, a mutation `POST /trpc/<procedure>` with the input as its body; `?batch=1` joins procedures with commas (at most 50; each counts as a request for the rate limit) and keys the inputs \"0\", \"1\", .... Answers are `{\"result\":{\"data\":...}}`; errors are tRPC's envelope (`error.data.code` such as `NOT_FOUND`, `error.data.httpStatus`, and `error.data.problem`, the problem the REST API would answer)."),
        (name = "voipbin", description = "VoIPbin's conversation resource, as its clients call it: `tm_*` times, `self` and `peer` addresses, `page_size` and `page_token` paging."),
        (name = "attachments", description = "Stored files: upload once, send with messages by id, fetch through signed links that need no key."),
        (name = "health", description = "Liveness and readiness, without a key."),
    ),
    // Schemas that only query parameters name: utoipa collects those of bodies by itself.
    components(schemas(
        convo_types::SortOrder,
        convo_types::ConversationOrder,
        convo_types::ControlType,
        convo_types::Priority,
        convo_types::StatusOrView,
        convo_types::View,
        convo_types::compat::connect360::Connect360ListInput,
        convo_types::compat::connect360::Connect360IdInput,
        // What `signals=true` streams carry (an SSE stream has no schema of its own).
        convo_types::Signal,
        convo_types::ActivityReport,
    )),
    modifiers(&BearerAuth),
    security(("bearer" = []), ("session" = [])),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("convo_sk_...")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::session::COOKIE,
                "A person's session, set by `POST /v1/sessions`. Writes made with it need the \
                 `X-CSRF-Token` header (the session's `csrf_token`).",
            ))),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::health::router())
        .merge(routes::organizations::router())
        .merge(routes::sessions::router())
        .merge(routes::password_resets::router())
        .merge(routes::invitations::router())
        .merge(routes::oidc::router())
        .merge(routes::audit_log::router())
        .merge(routes::business_units::router())
        .merge(routes::users::router())
        .merge(routes::api_keys::router())
        .merge(routes::channels::router())
        .merge(routes::contacts::router())
        .merge(routes::contacts::merge_router())
        .merge(routes::bulk::router())
        .merge(routes::conversations::router())
        .merge(routes::team::router())
        .merge(routes::handoff::router())
        .merge(routes::reads::router())
        .merge(routes::labels::router())
        .merge(routes::search::router())
        .merge(routes::messages::router())
        .merge(routes::drafts::router())
        .merge(routes::live::router())
        .merge(routes::canned_responses::router())
        .merge(routes::views::router())
        .merge(routes::attachments::router())
        .merge(routes::threads::router())
        .merge(routes::compat::admin_v2::router())
        .merge(routes::compat::connect360::router())
        .merge(routes::compat::voipbin::router())
        .merge(routes::events::router())
        .merge(routes::stream::router())
        .merge(routes::webhooks::router())
}

/// The OpenAPI 3.1 document of every route, built from the handlers' annotations and
/// finished by [`contract::finish`].
pub fn openapi() -> serde_json::Value {
    contract::finish(api_router().split_for_parts().1)
}

async fn unknown_route() -> ApiError {
    ApiError::not_found("no such route; GET /openapi.json lists them all")
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "this route does not take that method",
    )
}

/// Lets the configured web origins call the API from a browser: preflights are answered, and
/// the headers clients read are exposed. `None` when no origin is configured.
fn cors(origins: &[String]) -> anyhow::Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let allow = if origins.iter().any(|o| o.trim() == "*") {
        AllowOrigin::any()
    } else {
        let mut list = Vec::new();
        for origin in origins {
            let origin = origin.trim().trim_end_matches('/');
            if !(origin.starts_with("https://") || origin.starts_with("http://")) {
                anyhow::bail!(
                    "CORS origin `{origin}` must be `*` or like `https://app.example.com`"
                );
            }
            list.push(HeaderValue::from_str(origin)?);
        }
        AllowOrigin::list(list)
    };
    let named = HeaderName::from_static;
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                named("idempotency-key"),
                named("last-event-id"),
                named("x-csrf-token"),
                named("x-request-id"),
            ])
            .expose_headers([
                header::ETAG,
                header::RETRY_AFTER,
                named("x-request-id"),
                named("idempotent-replayed"),
                named("ratelimit-limit"),
                named("ratelimit-remaining"),
                named("ratelimit-reset"),
            ])
            .max_age(std::time::Duration::from_secs(600)),
    ))
}

/// The whole application: routes, errors for what no route takes, limits, request ids, logs.
pub fn app(state: AppState) -> Router {
    let (router, spec) = api_router().split_for_parts();
    // Serialized once: the document does not change while the process runs.
    let spec = axum::body::Bytes::from(contract::finish(spec).to_string());
    let request_id = HeaderName::from_static("x-request-id");
    let router = match state.settings.metrics_listen {
        None => router.route("/metrics", axum::routing::get(metrics::serve_metrics)),
        Some(_) => router,
    };
    router
        .route(
            "/openapi.json",
            axum::routing::get(move || async move {
                ([(header::CONTENT_TYPE, "application/json")], spec.clone())
            }),
        )
        .merge(routes::docs::router())
        .merge(routes::inbox::router())
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(axum::middleware::from_fn(session::with_client))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(state.settings.body_limit))
        .layer(RequestBodyTimeoutLayer::new(Duration::from_millis(
            state.settings.body_timeout_ms.max(1),
        )))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            deadline::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ratelimit::limit_anonymous,
        ))
        .layer(axum::middleware::from_fn(head::limit_head))
        .layer(tower::util::option_layer(
            cors(&state.settings.cors_origins).unwrap_or_default(),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(telemetry::request_span)
                .on_response(telemetry::on_response),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn(telemetry::drop_unsafe_request_id))
        .with_state(state)
}

/// Opens the database named by the settings, running its migrations.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if settings.is_postgres() {
        Arc::new(PostgresStore::open(&settings.database_url, settings.db_max_connections).await?)
    } else {
        Arc::new(SqliteStore::open(&settings.database_url).await?)
    };
    Ok(store)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn launch(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    cors(&settings.cors_origins)?;
    let secrets = Arc::new(settings.secret_box()?);
    let mailer = mail::SmtpMailer::from_settings(&settings)?
        .map(|m| Arc::new(m) as Arc<dyn convo_core::mail::Mailer>);
    let oidc = oidc::Oidc::from_settings(&settings)?.map(Arc::new);
    let mut settings = settings;
    // Links the server makes (signed file links, mailed links) name the address it really
    // listens on when no public URL is set (a port of 0 was chosen by the system).
    settings.listen = listener.local_addr()?;
    let store = open_store(&settings).await?;
    let files = convo_files::open(
        settings.storage.as_deref(),
        &settings.database_url,
        &settings.s3_options(),
    )
    .await?;
    let signer = Arc::new(url_signer(&settings));
    if let Some(first) =
        convo_core::usecases::organizations::bootstrap(store.as_ref(), settings.admin_key.clone())
            .await?
    {
        tracing::info!(organization_id = %first.organization.id, "created the first organization");
        if first.generated {
            // Printed, not logged: the secret must not end up in log files.
            eprintln!(
                "\nconvo: the admin API key (shown once, keep it safe):\n\n    {}\n",
                first.admin_secret
            );
        }
        let link = convo_core::usecases::passwords::make_link(
            store.as_ref(),
            first.organization.id,
            first.admin_user.id,
            None,
            &settings.public_url(),
            convo_core::people::FIRST_PASSWORD_TOKEN_MILLIS,
        )
        .await?;
        eprintln!(
            "{}",
            first_sign_in_message(&link.url, &settings.public_url(), &link.token)
        );
    } else if settings.admin_key.is_some() {
        tracing::info!(
            "CONVO_ADMIN_KEY is set but the database has an organization already: the key made \
             on first start stays the admin key"
        );
    }
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let metrics = Arc::new(metrics::Metrics::new(store.clone()));
    let state = AppState {
        store,
        limits: Arc::new(ratelimit::RateLimits::new(
            &settings,
            metrics.rate_limited.clone(),
        )),
        metrics,
        secrets,
        mailer,
        oidc,
        files,
        signer,
        settings: Arc::new(settings),
        stopping,
        keys: Arc::default(),
        sessions: Arc::default(),
        live: Arc::default(),
    };
    live::spawn(
        state.store.clone(),
        state.live.clone(),
        state.stopping.clone(),
    );
    tokio::spawn(forget_idle_limits(
        state.limits.clone(),
        state.stopping.clone(),
    ));
    timers::spawn(state.store.clone(), state.stopping.clone());
    timers::spawn_file_sweep(
        state.store.clone(),
        state.files.clone(),
        state.metrics.clone(),
        state.stopping.clone(),
    );
    delivery::spawn(
        state.store.clone(),
        state.settings.clone(),
        state.secrets.clone(),
        state.signer.clone(),
        state.metrics.clone(),
        state.stopping.clone(),
    )?;
    if let Some(address) = state.settings.metrics_listen {
        metrics::serve_apart(address, state.clone()).await?;
    }
    tracing::info!(address = %listener.local_addr()?, settings = ?state.settings, "convo is listening");
    let shutdown = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    serve::raise_open_files_limit(state.settings.max_connections);
    let limits = serve::ConnectionLimits {
        header_timeout: Duration::from_millis(state.settings.header_timeout_ms.max(1)),
        max_connections: state.settings.max_connections.max(1),
    };
    serve::serve(listener, app(state), limits, shutdown).await;
    tracing::info!("stopped");
    Ok(())
}

/// The signer of links to stored files: keyed by the server key, so every node and restart
/// agrees; without one, a random key of this process (links then work on this node until it
/// restarts, which the log says).
fn url_signer(settings: &Settings) -> convo_core::files::UrlSigner {
    let secret = match &settings.secret_key {
        Some(key) => key.as_bytes().to_vec(),
        None => {
            tracing::warn!(
                "CONVO_SECRET_KEY is not set: links to stored files are signed with a key of \
                 this process, so they stop working when it restarts and on other nodes"
            );
            let mut key = vec![0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
            key
        }
    };
    convo_core::files::UrlSigner::new(&secret, &settings.public_url(), settings.signed_url_ttl)
}

/// How the admin person signs in the first time: a one-time token (valid 24 h) that sets
/// their email and password.
fn first_sign_in_message(link_url: &str, public_url: &str, token: &str) -> String {
    format!(
        "convo: the admin signs in as a person after choosing an email and a password, once, \
         within 24 hours. Open the inbox's link:\n\n    {link_url}\n\n  or, without a browser:\n\n    \
         curl -X POST {public_url}/v1/password-resets/{token} \\\n      \
         -H 'Content-Type: application/json' \\\n      -d '{{\"email\": \"you@example.com\", \
         \"password\": \"<a long passphrase>\"}}'\n\n  (later: `convo admin set-password --email \
         you@example.com` makes a new link)\n"
    )
}

/// Every minute, the rate limiters forget keys and addresses not seen lately.
async fn forget_idle_limits(
    limits: Arc<ratelimit::RateLimits>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = every.tick() => limits.forget_idle(),
            _ = stopping.changed() => return,
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
