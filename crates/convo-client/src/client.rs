//! The client: authentication, retries, and the request helpers every resource uses.

use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::people::{AuditLog, Invitations, MeApi, PasswordResets, Sessions};
use crate::{
    problem, AdminV2, ApiKeys, BusinessUnits, Channels, Connect, Contacts, Conversations, Error,
    Events, Labels, Messages, Organizations, Result, Users, Voipbin, Webhooks, NO_QUERY,
};

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A client of one convo server, authenticated by one API key or one person's session.
/// Cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    credential: Credential,
    retries: u32,
}

/// What a client sends to authenticate.
#[derive(Clone)]
pub(crate) enum Credential {
    ApiKey(String),
    /// The session cookie's token, and the CSRF token writes carry.
    Session {
        token: String,
        csrf: String,
    },
    /// Nothing: for the operations that need no key (signing in, password resets).
    Anonymous,
}

impl Client {
    /// A client with a 30-second timeout per request.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("convo-client/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::Config(format!("`{base_url}` is not an http(s) URL")));
        }
        Ok(Client {
            http,
            base_url,
            credential: Credential::ApiKey(api_key.into()),
            retries: 3,
        })
    }

    /// A client that sends no credential: it can sign in (`sessions().create`) and use
    /// password-reset links, nothing else.
    pub fn anonymous(base_url: impl Into<String>) -> Result<Self> {
        Ok(Self::new(base_url, "")?.with_credential(Credential::Anonymous))
    }

    /// The same server with another API key.
    pub fn with_api_key(&self, api_key: impl Into<String>) -> Self {
        self.with_credential(Credential::ApiKey(api_key.into()))
    }

    /// The `Cookie` header a signed-in client sends (`convo_session=...`), for a browser or
    /// tool that continues the session; `None` for a key or no credential.
    pub fn session_cookie(&self) -> Option<String> {
        match &self.credential {
            Credential::Session { token, .. } => Some(format!("convo_session={token}")),
            _ => None,
        }
    }

    /// The same server as a signed-in person: the session cookie's token and the session's
    /// CSRF token (both answered by `sessions().create`).
    pub fn with_session(&self, token: impl Into<String>, csrf_token: impl Into<String>) -> Self {
        self.with_credential(Credential::Session {
            token: token.into(),
            csrf: csrf_token.into(),
        })
    }

    pub(crate) fn with_credential(&self, credential: Credential) -> Self {
        Client {
            http: self.http.clone(),
            base_url: self.base_url.clone(),
            credential,
            retries: self.retries,
        }
    }

    /// How often a repeatable call is retried (default 3; 0 turns retries off).
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    pub(crate) fn retries(&self) -> u32 {
        self.retries
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let writes = method != Method::GET && method != Method::HEAD;
        let request = self
            .http
            .request(method, format!("{}{path}", self.base_url));
        match &self.credential {
            Credential::ApiKey(key) => request.bearer_auth(key),
            Credential::Session { token, csrf } => {
                let request =
                    request.header(reqwest::header::COOKIE, format!("convo_session={token}"));
                if writes {
                    request.header("x-csrf-token", csrf)
                } else {
                    request
                }
            }
            Credential::Anonymous => request,
        }
    }

    /// Sends a request; a call that is safe to repeat is retried on `429`, `503` and
    /// connection failures, with exponential backoff and jitter (or the server's
    /// `Retry-After`). Every REST `POST` carries an `Idempotency-Key` (generated unless the
    /// caller chose one), the same on every attempt, so a retry never creates twice; tRPC
    /// mutations take none and are not repeated.
    pub(crate) async fn execute(&self, request: RequestBuilder) -> Result<reqwest::Response> {
        let mut request = request.build()?;
        let is_post = request.method() == Method::POST;
        if is_post
            && !request.url().path().starts_with("/trpc/")
            && !request.headers().contains_key(IDEMPOTENCY_KEY)
        {
            let key = uuid::Uuid::new_v4().to_string();
            if let Ok(value) = reqwest::header::HeaderValue::from_str(&key) {
                request.headers_mut().insert(IDEMPOTENCY_KEY, value);
            }
        }
        let repeatable = !is_post || request.headers().contains_key(IDEMPOTENCY_KEY);
        let mut attempt = 0u32;
        loop {
            // A streamed body cannot be sent twice: it goes once, without retries.
            let Some(this) = request.try_clone() else {
                return Ok(self.http.execute(request).await?);
            };
            let retry_after = match self.http.execute(this).await {
                Ok(response)
                    if repeatable
                        && attempt < self.retries
                        && matches!(response.status().as_u16(), 429 | 503) =>
                {
                    response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .map(Duration::from_secs)
                }
                Ok(response) => return Ok(response),
                Err(e)
                    if repeatable
                        && attempt < self.retries
                        && (e.is_connect() || e.is_timeout() || e.is_request()) =>
                {
                    None
                }
                Err(e) => return Err(e.into()),
            };
            tokio::time::sleep(retry_after.unwrap_or_else(|| backoff(attempt))).await;
            attempt += 1;
        }
    }

    pub(crate) async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T> {
        let response = self.execute(request).await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|_| Error::Unexpected {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        Err(problem(status, &bytes))
    }

    pub(crate) async fn send_empty(&self, request: RequestBuilder) -> Result<()> {
        let response = self.execute(request).await?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = response.bytes().await?;
        Err(problem(status, &bytes))
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &impl Serialize,
    ) -> Result<T> {
        self.send(self.request(Method::GET, path).query(query))
            .await
    }

    pub(crate) async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T> {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    pub(crate) async fn patch<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T> {
        self.send(self.request(Method::PATCH, path).json(body))
            .await
    }

    pub(crate) async fn delete(&self, path: &str) -> Result<()> {
        self.send_empty(self.request(Method::DELETE, path)).await
    }

    /// Whether the process is up.
    #[doc(alias = "getHealth")]
    pub async fn health(&self) -> Result<convo_types::Health> {
        self.get("/healthz", &NO_QUERY).await
    }

    /// Whether the server can serve (its database answers).
    #[doc(alias = "getReadiness")]
    pub async fn readiness(&self) -> Result<convo_types::Health> {
        self.get("/readyz", &NO_QUERY).await
    }

    pub fn organizations(&self) -> Organizations<'_> {
        Organizations(self)
    }
    pub fn business_units(&self) -> BusinessUnits<'_> {
        BusinessUnits(self)
    }
    pub fn users(&self) -> Users<'_> {
        Users(self)
    }
    pub fn api_keys(&self) -> ApiKeys<'_> {
        ApiKeys(self)
    }
    pub fn channels(&self) -> Channels<'_> {
        Channels(self)
    }
    pub fn contacts(&self) -> Contacts<'_> {
        Contacts(self)
    }
    pub fn conversations(&self) -> Conversations<'_> {
        Conversations(self)
    }
    pub fn labels(&self) -> Labels<'_> {
        Labels(self)
    }
    /// Replies kept for reuse.
    pub fn canned_responses(&self) -> crate::CannedResponses<'_> {
        crate::CannedResponses(self)
    }
    /// Saved views of the conversation list.
    pub fn views(&self) -> crate::Views<'_> {
        crate::Views(self)
    }
    /// The admin API v2.
    pub fn admin_v2(&self) -> AdminV2<'_> {
        AdminV2(self)
    }
    /// Connect360's procedures (tRPC).
    pub fn connect(&self) -> Connect<'_> {
        Connect(self)
    }
    /// VoIPbin's conversation resource.
    pub fn voipbin(&self) -> Voipbin<'_> {
        Voipbin(self)
    }
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks(self)
    }
    pub fn messages(&self) -> Messages<'_> {
        Messages(self)
    }
    /// Stored files: upload, the object, the bytes.
    pub fn attachments(&self) -> crate::Attachments<'_> {
        crate::Attachments(self)
    }
    pub fn events(&self) -> Events<'_> {
        Events(self)
    }
    /// Signing in and out, a person's sessions.
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions(self)
    }
    /// The acting user's own profile, password and two factors.
    pub fn me(&self) -> MeApi<'_> {
        MeApi(self)
    }
    /// Password-reset links (no key needed).
    pub fn password_resets(&self) -> PasswordResets<'_> {
        PasswordResets(self)
    }
    /// Invitations to join the organization.
    pub fn invitations(&self) -> Invitations<'_> {
        Invitations(self)
    }
    /// The organization's audit log (admins).
    pub fn audit_log(&self) -> AuditLog<'_> {
        AuditLog(self)
    }
}

/// 200 ms, 400 ms, 800 ms, ... plus up to 100 ms of jitter so clients do not retry in step.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() % 100);
    Duration::from_millis(200 * 2u64.pow(attempt.min(6)) + u64::from(jitter))
}
