//! Server settings: flags, else `CONVO_*` environment variables, else defaults.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

pub const DEFAULT_VIDEO_URL_TEMPLATE: &str = "https://meet.jit.si/convo-{room}";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, clap::Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "CONVO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Database URL: a SQLite file path or `sqlite://...` (the default), or `postgres://...`.
    #[arg(
        long = "database",
        env = "CONVO_DATABASE_URL",
        default_value = "convo.db"
    )]
    pub database_url: String,

    /// The admin API key to create on first start; random (and printed once) when unset.
    #[arg(long, env = "CONVO_ADMIN_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "CONVO_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,

    /// Most connections to PostgreSQL for reads and writes; search opens about half as many
    /// more, at least two (SQLite uses one writer and a fixed reader pool).
    #[arg(long, env = "CONVO_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Join URL of video calls; `{room}` becomes the call's unguessable room name.
    #[arg(long, env = "CONVO_VIDEO_URL_TEMPLATE", default_value = DEFAULT_VIDEO_URL_TEMPLATE)]
    pub video_url_template: String,

    /// Let webhooks reach private, loopback and link-local addresses (closed networks, tests).
    #[arg(long, env = "CONVO_WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private: bool,

    /// First wait before retrying a failed webhook delivery, in milliseconds; each retry
    /// doubles it (at most 6 hours) until the delivery has been retried for 24 hours.
    #[arg(long, env = "CONVO_WEBHOOK_RETRY_BASE_MS", default_value_t = 10_000)]
    pub webhook_retry_base_ms: i64,

    /// How long a webhook receiver may take to answer, in milliseconds.
    #[arg(long, env = "CONVO_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,

    /// Seals webhook signing secrets in the database: 32 random bytes in base64
    /// (`openssl rand -base64 32`). Without it they are stored as they are.
    #[arg(long, env = "CONVO_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// The key secrets were sealed with before the current one (while rotating it).
    #[arg(long, env = "CONVO_SECRET_KEY_PREVIOUS", hide_env_values = true)]
    pub secret_key_previous: Option<String>,

    /// Web origins whose pages may call the API (`https://app.example.com`), comma-separated,
    /// or `*` for any; none by default.
    #[arg(long, env = "CONVO_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Milliseconds a client has to send a request's headers; a keep-alive connection idle
    /// this long is closed too.
    #[arg(long, env = "CONVO_HEADER_TIMEOUT_MS", default_value_t = 10_000)]
    pub header_timeout_ms: u64,

    /// Longest pause, in milliseconds, while a request's body arrives (`408` after it).
    #[arg(long, env = "CONVO_BODY_TIMEOUT_MS", default_value_t = 30_000)]
    pub body_timeout_ms: u64,

    /// Longest time, in milliseconds, a whole request body may take to arrive, however it
    /// trickles (`408` after it): a 25 MiB upload at 1 Mbit/s takes under four minutes.
    #[arg(long, env = "CONVO_BODY_DEADLINE_MS", default_value_t = 600_000)]
    pub body_deadline_ms: u64,

    /// Most connections open at once; past it new ones wait until one closes. Each takes a
    /// file descriptor: keep it under `ulimit -n`.
    #[arg(long, env = "CONVO_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,

    /// Serve `/metrics` on this address instead of the main one (an address only the
    /// monitoring network reaches).
    #[arg(long, env = "CONVO_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Requests per second each API key may make (sustained); `0` turns the limit off.
    #[arg(long, env = "CONVO_RATE_LIMIT", default_value_t = 100)]
    pub rate_limit: u32,

    /// Requests an API key may make at once above its sustained rate.
    #[arg(long, env = "CONVO_RATE_LIMIT_BURST", default_value_t = 200)]
    pub rate_limit_burst: u32,

    /// Requests per second from one client address without an API key (health checks, the
    /// document, `/docs`); `0` turns the limit off.
    #[arg(long, env = "CONVO_ANONYMOUS_RATE_LIMIT", default_value_t = 20)]
    pub anonymous_rate_limit: u32,

    /// Failed authentications per minute from one client address before it gets `429`
    /// instead of `401`; `0` turns the limit off.
    #[arg(long, env = "CONVO_AUTH_FAILURE_LIMIT", default_value_t = 30)]
    pub auth_failure_limit: u32,

    /// Sign-in attempts per account at once, then one every 30 s; per client address three
    /// times as many, then one every 2 s. Counted whether or not the password is right; `0`
    /// turns both off.
    #[arg(long, env = "CONVO_SIGN_IN_LIMIT", default_value_t = 10)]
    pub sign_in_limit: u32,

    /// Log format.
    #[arg(long, env = "CONVO_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// The address people use to reach this server (`https://convo.example.com`): links in
    /// password-reset and first sign-in messages, and `Secure` cookies when it is https.
    /// Default: `http://` and the listen address.
    #[arg(long, env = "CONVO_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Mail people invitations and password-reset links through this SMTP server
    /// (`smtp://user:password@host:587` with STARTTLS when offered, `smtps://...:465`).
    #[arg(long, env = "CONVO_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of that mail.
    #[arg(
        long,
        env = "CONVO_MAIL_FROM",
        default_value = "convo <convo@localhost>"
    )]
    pub mail_from: String,

    /// Single sign-on: the OpenID provider's issuer URL (`https://accounts.google.com`, a
    /// Keycloak realm, ...). With the client id and secret, `/auth/oidc/login` signs people in.
    #[arg(long, env = "CONVO_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,

    /// The client id convo is registered with at the provider.
    #[arg(long, env = "CONVO_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,

    /// The client secret convo is registered with at the provider.
    #[arg(long, env = "CONVO_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,

    /// Email domains whose people may join (as agents) by signing in with the provider, when
    /// no one here has their email and no invitation waits for it (`example.com`,
    /// `*.example.com`; comma-separated). Default: none.
    #[arg(long, env = "CONVO_OIDC_ALLOWED_DOMAINS", value_delimiter = ',')]
    pub oidc_allowed_domains: Vec<String>,

    /// A signed-in session unused this long ends (`30m`, `12h`, `7d`).
    #[arg(long, env = "CONVO_SESSION_IDLE", default_value = "7d", value_parser = humantime::parse_duration)]
    pub session_idle: Duration,

    /// A session ends this long after sign-in, however much it is used.
    #[arg(long, env = "CONVO_SESSION_MAX", default_value = "30d", value_parser = humantime::parse_duration)]
    pub session_max: Duration,

    /// Where stored files go: a folder, or `s3://bucket/prefix` (an S3 bucket or an
    /// S3-compatible store). Default: `convo-files` beside the SQLite file (in the working
    /// directory with PostgreSQL).
    #[arg(long, env = "CONVO_STORAGE")]
    pub storage: Option<String>,

    #[command(flatten)]
    pub s3: S3Settings,

    /// Largest file accepted by `POST /v1/attachments`, in bytes (default 25 MiB).
    #[arg(long, env = "CONVO_ATTACHMENT_LIMIT", default_value_t = 25 * 1024 * 1024)]
    pub attachment_limit: u64,

    /// How long a signed link to a stored file works: links are made for windows of half
    /// this, so each lasts between half and all of it.
    #[arg(long, env = "CONVO_SIGNED_URL_TTL", default_value = "1h", value_parser = humantime::parse_duration)]
    pub signed_url_ttl: Duration,
}

/// The S3 bucket of `--storage s3://...`: the usual AWS variables, or these flags. Unset
/// values come from the environment as the AWS tools read it.
#[derive(Clone, Default, clap::Args)]
pub struct S3Settings {
    /// An S3-compatible store's address (`http://127.0.0.1:8333`); AWS itself when unset.
    #[arg(long = "s3-endpoint", env = "AWS_ENDPOINT_URL")]
    pub endpoint: Option<String>,
    #[arg(long = "s3-region", env = "AWS_REGION")]
    pub region: Option<String>,
    #[arg(
        long = "s3-access-key-id",
        env = "AWS_ACCESS_KEY_ID",
        hide_env_values = true
    )]
    pub access_key_id: Option<String>,
    #[arg(
        long = "s3-secret-access-key",
        env = "AWS_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub secret_access_key: Option<String>,
}

impl Settings {
    /// Settings with every default, for embedding and tests.
    pub fn new(database_url: impl Into<String>) -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: database_url.into(),
            admin_key: None,
            body_limit: 1024 * 1024,
            db_max_connections: 16,
            video_url_template: DEFAULT_VIDEO_URL_TEMPLATE.to_owned(),
            webhook_allow_private: false,
            webhook_retry_base_ms: 10_000,
            webhook_timeout_ms: 10_000,
            cors_origins: Vec::new(),
            secret_key: None,
            secret_key_previous: None,
            header_timeout_ms: 10_000,
            body_timeout_ms: 30_000,
            body_deadline_ms: 600_000,
            max_connections: 10_000,
            metrics_listen: None,
            rate_limit: 100,
            rate_limit_burst: 200,
            anonymous_rate_limit: 20,
            auth_failure_limit: 30,
            sign_in_limit: 10,
            log_format: LogFormat::Text,
            public_url: None,
            smtp_url: None,
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_allowed_domains: Vec::new(),
            mail_from: "convo <convo@localhost>".to_owned(),
            session_idle: Duration::from_secs(7 * 24 * 3600),
            session_max: Duration::from_secs(30 * 24 * 3600),
            storage: None,
            s3: S3Settings::default(),
            attachment_limit: 25 * 1024 * 1024,
            signed_url_ttl: Duration::from_secs(3600),
        }
    }

    /// Where people reach the server, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    pub fn session_policy(&self) -> convo_core::people::SessionPolicy {
        let millis = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4);
        convo_core::people::SessionPolicy {
            idle_millis: millis(self.session_idle).max(1_000),
            max_millis: millis(self.session_max).max(1_000),
        }
    }

    pub fn egress(&self) -> convo_core::usecases::webhooks::Egress {
        convo_core::usecases::webhooks::Egress {
            allow_private: self.webhook_allow_private,
        }
    }

    /// What seals and opens webhook secrets; a malformed key is a start-up error.
    pub fn secret_box(&self) -> anyhow::Result<convo_core::sealed::SecretBox> {
        convo_core::sealed::SecretBox::new(
            self.secret_key.as_deref(),
            self.secret_key_previous.as_deref(),
        )
        .map_err(|e| anyhow::anyhow!("CONVO_SECRET_KEY: {e}"))
    }

    /// The bucket's settings for `convo_files::open`.
    pub fn s3_options(&self) -> convo_files::S3Options {
        convo_files::S3Options {
            endpoint: self.s3.endpoint.clone(),
            region: self.s3.region.clone(),
            access_key_id: self.s3.access_key_id.clone(),
            secret_access_key: self.s3.secret_access_key.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://")
    }
}

/// Secrets stay out of logs: the admin key is never printed and database passwords are masked.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("admin_key", &self.admin_key.as_ref().map(|_| "[redacted]"))
            .field("body_limit", &self.body_limit)
            .field("db_max_connections", &self.db_max_connections)
            .field("video_url_template", &self.video_url_template)
            .field("webhook_allow_private", &self.webhook_allow_private)
            .field("webhook_retry_base_ms", &self.webhook_retry_base_ms)
            .field("webhook_timeout_ms", &self.webhook_timeout_ms)
            .field("cors_origins", &self.cors_origins)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "secret_key_previous",
                &self.secret_key_previous.as_ref().map(|_| "[redacted]"),
            )
            .field("header_timeout_ms", &self.header_timeout_ms)
            .field("body_timeout_ms", &self.body_timeout_ms)
            .field("body_deadline_ms", &self.body_deadline_ms)
            .field("max_connections", &self.max_connections)
            .field("metrics_listen", &self.metrics_listen)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limit_burst", &self.rate_limit_burst)
            .field("anonymous_rate_limit", &self.anonymous_rate_limit)
            .field("auth_failure_limit", &self.auth_failure_limit)
            .field("sign_in_limit", &self.sign_in_limit)
            .field("log_format", &self.log_format)
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("oidc_issuer", &self.oidc_issuer)
            .field("oidc_client_id", &self.oidc_client_id)
            .field(
                "oidc_client_secret",
                &self.oidc_client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("oidc_allowed_domains", &self.oidc_allowed_domains)
            .field("storage", &self.storage)
            .field("s3_endpoint", &self.s3.endpoint)
            .field("s3_region", &self.s3.region)
            .field(
                "s3_access_key_id",
                &self.s3.access_key_id.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "s3_secret_access_key",
                &self.s3.secret_access_key.as_ref().map(|_| "[redacted]"),
            )
            .field("attachment_limit", &self.attachment_limit)
            .field("signed_url_ttl", &self.signed_url_ttl)
            .field("session_idle", &self.session_idle)
            .field("session_max", &self.session_max)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let mut settings = Settings::new("postgres://convo:hunter2@db/convo");
        settings.admin_key = Some("convo_sk_secret".into());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("convo_sk_secret"));
        assert!(shown.contains("postgres://convo:***@db/convo"));
    }
}
