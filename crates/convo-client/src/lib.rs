//! The typed Rust SDK of the convo HTTP API.
//!
//! ```no_run
//! # async fn run() -> Result<(), convo_client::Error> {
//! use convo_client::Client;
//! use convo_types::CreateConversation;
//!
//! let client = Client::new("http://127.0.0.1:8080", "convo_sk_...")?;
//! let conversation = client.conversations().create(&CreateConversation::default()).await?;
//! println!("{}", conversation.id);
//! # Ok(()) }
//! ```

use std::time::Duration;

use convo_types::{
    ApiKey, ApiKeyId, AssignTeamMember, BusinessUnit, BusinessUnitId, Channel, ChannelId, Contact,
    ContactId, Conversation, ConversationId, CreateApiKey, CreateBusinessUnit, CreateChannel,
    CreateContact, CreateConversation, CreateMessage, CreateOrganization, CreateUser, ErrorCode,
    Event, GetOrCreateConversation, List, Message, MessageId, Organization, OrganizationCreated,
    Problem, SearchHit, Status, UpdateApiKey, UpdateBusinessUnit, UpdateChannel, UpdateContact,
    UpdateConversation, UpdateMessage, UpdateStatus, UpdateUser, User, UserId, VideoCallStarted,
    ViewsCount,
};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a call can fail with. API errors carry the server's problem and its stable `code`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} ({}): {}", .problem.status, .problem.code, .problem.detail)]
    Api { problem: Problem },
    #[error("could not reach the server: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("unexpected answer ({status}): {body}")]
    Unexpected { status: u16, body: String },
    #[error("invalid client setting: {0}")]
    Config(String),
}

impl Error {
    /// The problem `code` of an API error.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api { problem } => Some(problem.code),
            _ => None,
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { problem } => Some(problem.status),
            Error::Unexpected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Paging of every list: `limit` with `cursor`, or `skip`, or `page_num` + `page_size`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Page {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub include_total: bool,
}

/// Filters of `conversations().list()`. Seed 000's `type` is `type_or_view`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConversationFilters {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_or_view: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Sent comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statuses: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_unit_id: Option<BusinessUnitId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<ContactId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<ConversationId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_level: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

impl ConversationFilters {
    pub fn statuses(list: &[Status]) -> Self {
        let joined = list
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",");
        ConversationFilters {
            statuses: Some(joined),
            ..Default::default()
        }
    }
}

/// A client of one convo server, authenticated by one API key. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
    retries: u32,
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
            api_key: api_key.into(),
            retries: 3,
        })
    }

    /// The same server with another API key.
    pub fn with_api_key(&self, api_key: impl Into<String>) -> Self {
        Client {
            http: self.http.clone(),
            base_url: self.base_url.clone(),
            api_key: api_key.into(),
            retries: self.retries,
        }
    }

    /// How often a repeatable call is retried (default 3; 0 turns retries off).
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(&self.api_key)
    }

    /// Sends a request; a call that is safe to repeat (not a `POST`, or a `POST` with an
    /// `Idempotency-Key`) is retried on `429`, `503` and connection failures, with
    /// exponential backoff and jitter (or the server's `Retry-After`).
    async fn execute(&self, request: RequestBuilder) -> Result<reqwest::Response> {
        let repeatable = request
            .try_clone()
            .and_then(|r| r.build().ok())
            .is_some_and(|r| {
                r.method() != Method::POST || r.headers().contains_key("idempotency-key")
            });
        let mut attempt = 0u32;
        loop {
            let this = request
                .try_clone()
                .ok_or_else(|| Error::Config("a streaming body cannot be sent".into()))?;
            let retry_after = match this.send().await {
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
                        && (e.is_connect() || e.is_timeout()) =>
                {
                    None
                }
                Err(e) => return Err(e.into()),
            };
            tokio::time::sleep(retry_after.unwrap_or_else(|| backoff(attempt))).await;
            attempt += 1;
        }
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T> {
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

    async fn send_empty(&self, request: RequestBuilder) -> Result<()> {
        let response = self.execute(request).await?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = response.bytes().await?;
        Err(problem(status, &bytes))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, query: &impl Serialize) -> Result<T> {
        self.send(self.request(Method::GET, path).query(query))
            .await
    }

    async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    async fn patch<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        self.send(self.request(Method::PATCH, path).json(body))
            .await
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.send_empty(self.request(Method::DELETE, path)).await
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
    /// Seed 003's Admin API v2.
    pub fn admin_v2(&self) -> AdminV2<'_> {
        AdminV2(self)
    }
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks(self)
    }
    pub fn messages(&self) -> Messages<'_> {
        Messages(self)
    }
    pub fn events(&self) -> Events<'_> {
        Events(self)
    }
}

/// 200 ms, 400 ms, 800 ms, ... plus up to 100 ms of jitter so clients do not retry in step.
fn backoff(attempt: u32) -> Duration {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() % 100);
    Duration::from_millis(200 * 2u64.pow(attempt.min(6)) + u64::from(jitter))
}

/// A query of no parameters.
const NO_QUERY: [(&str, &str); 0] = [];

/// `after`/`limit` of event lists.
#[derive(Serialize)]
struct EventQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
}

fn problem(status: StatusCode, bytes: &[u8]) -> Error {
    match serde_json::from_slice::<Problem>(bytes) {
        Ok(problem) => Error::Api { problem },
        Err(_) => Error::Unexpected {
            status: status.as_u16(),
            body: String::from_utf8_lossy(bytes).into_owned(),
        },
    }
}

/// `/v1/organizations` (needs the `platform` key).
pub struct Organizations<'a>(&'a Client);

impl Organizations<'_> {
    pub async fn create(&self, req: &CreateOrganization) -> Result<OrganizationCreated> {
        self.0.post("/v1/organizations", req).await
    }
    pub async fn list(&self, page: &Page) -> Result<List<Organization>> {
        self.0.get("/v1/organizations", page).await
    }
}

macro_rules! directory_resource {
    ($(#[$doc:meta])* $group:ident, $path:literal, $item:ty, $id:ty, $create:ty, $update:ty) => {
        $(#[$doc])*
        pub struct $group<'a>(&'a Client);

        impl $group<'_> {
            pub async fn create(&self, req: &$create) -> Result<$item> {
                self.0.post($path, req).await
            }
            pub async fn get(&self, id: $id) -> Result<$item> {
                self.0.get(&format!(concat!($path, "/{}"), id), &NO_QUERY).await
            }
            pub async fn list(&self, page: &Page) -> Result<List<$item>> {
                self.0.get($path, page).await
            }
            pub async fn update(&self, id: $id, req: &$update) -> Result<$item> {
                self.0.patch(&format!(concat!($path, "/{}"), id), req).await
            }
            pub async fn delete(&self, id: $id) -> Result<()> {
                self.0.delete(&format!(concat!($path, "/{}"), id)).await
            }
        }
    };
}

directory_resource!(
    /// `/v1/business-units`
    BusinessUnits, "/v1/business-units", BusinessUnit, BusinessUnitId, CreateBusinessUnit, UpdateBusinessUnit
);
directory_resource!(
    /// `/v1/users`: team members and AI agents.
    Users, "/v1/users", User, UserId, CreateUser, UpdateUser
);
directory_resource!(
    /// `/v1/api-keys`: `create` answers the secret once; `delete` revokes.
    ApiKeys, "/v1/api-keys", ApiKey, ApiKeyId, CreateApiKey, UpdateApiKey
);
directory_resource!(
    /// `/v1/channels`
    Channels, "/v1/channels", Channel, ChannelId, CreateChannel, UpdateChannel
);
directory_resource!(
    /// `/v1/contacts`
    Contacts, "/v1/contacts", Contact, ContactId, CreateContact, UpdateContact
);

impl Contacts<'_> {
    /// The contact with this `external_id`, if any.
    pub async fn find_by_external_id(&self, external_id: &str) -> Result<Option<Contact>> {
        let page: List<Contact> = self
            .0
            .get("/v1/contacts", &[("external_id", external_id)])
            .await?;
        Ok(page.data.into_iter().next())
    }
}

impl<'a> Conversations<'a> {
    /// Every conversation under `filters`, `page_size` per request.
    pub fn pages(&self, filters: &ConversationFilters, page_size: u32) -> Pages<'a, Conversation> {
        let (client, filters) = (self.0, filters.clone());
        Pages::new(move |cursor| {
            let page = Page {
                limit: Some(page_size),
                cursor,
                ..Default::default()
            };
            let filters = filters.clone();
            Box::pin(async move { client.conversations().list(&filters, &page).await })
        })
    }
}

/// `/v1/conversations`, with the seeds' method names.
pub struct Conversations<'a>(&'a Client);

impl Conversations<'_> {
    /// Seed `list`: filters and paging.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::{ConversationFilters, Page};
    /// let filters = ConversationFilters { type_or_view: Some("open".into()), q: Some("billing".into()), ..Default::default() };
    /// let page = client.conversations().list(&filters, &Page { limit: Some(20), skip: Some(0), ..Default::default() }).await?;
    /// for conv in &page.data {
    ///     println!("{} {} {}", conv.id, conv.name, conv.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &self,
        filters: &ConversationFilters,
        page: &Page,
    ) -> Result<List<Conversation>> {
        self.0
            .send(
                self.0
                    .request(Method::GET, "/v1/conversations")
                    .query(filters)
                    .query(page),
            )
            .await
    }

    /// Seed `get`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let conversation = client.conversations().get(id).await?;
    /// println!("{} {}", conversation.id, conversation.status);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: ConversationId) -> Result<Conversation> {
        self.0
            .get(&format!("/v1/conversations/{id}"), &NO_QUERY)
            .await
    }

    /// Seed `getByConversationId`: by the public id.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let conversation = client.conversations().get_by_conversation_id("k3Fq9ZpX2mWc").await?;
    /// println!("{} {}", conversation.id, conversation.status);
    /// # Ok(()) }
    /// ```
    pub async fn get_by_conversation_id(&self, public_id: &str) -> Result<Conversation> {
        self.0
            .get(
                &format!("/v1/conversations/by-public-id/{public_id}"),
                &NO_QUERY,
            )
            .await
    }

    /// Seed `create`: every field is optional.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_types::CreateConversation;
    /// let conversation = client.conversations().create(&CreateConversation::default()).await?;
    /// println!("{}", conversation.id);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, req: &CreateConversation) -> Result<Conversation> {
        self.0.post("/v1/conversations", req).await
    }

    /// Seed `create` with an `Idempotency-Key`: a retry answers the first conversation.
    pub async fn create_idempotent(
        &self,
        req: &CreateConversation,
        key: &str,
    ) -> Result<Conversation> {
        self.0
            .send(
                self.0
                    .request(Method::POST, "/v1/conversations")
                    .header("Idempotency-Key", key)
                    .json(req),
            )
            .await
    }

    /// Seed `updateConversation`: metadata is merged; `null` removes a key.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let patch = serde_json::from_value(serde_json::json!({"name": "VIP customer support", "metadata": {"priority": "high"}})).unwrap();
    /// let updated = client.conversations().update_conversation(id, &patch).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_conversation(
        &self,
        id: ConversationId,
        req: &UpdateConversation,
    ) -> Result<Conversation> {
        self.0.patch(&format!("/v1/conversations/{id}"), req).await
    }

    /// Seed `updateName`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().update_name(id, "VIP Support Thread").await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_name(&self, id: ConversationId, name: &str) -> Result<Conversation> {
        let req = UpdateConversation {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        self.update_conversation(id, &req).await
    }

    /// Seed `updateStatus`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_types::Status;
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().update_status(id, Status::Resolved).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_status(&self, id: ConversationId, status: Status) -> Result<Conversation> {
        let req = UpdateStatus {
            status,
            snoozed_until: None,
        };
        self.0
            .patch(&format!("/v1/conversations/{id}/status"), &req)
            .await
    }

    /// Seed `deleteConversation`: soft by default, for good with `hard`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().delete_conversation(id, false).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_conversation(&self, id: ConversationId, hard: bool) -> Result<()> {
        let path = format!("/v1/conversations/{id}");
        self.0
            .send_empty(
                self.0
                    .request(Method::DELETE, &path)
                    .query(&[("hard", hard)]),
            )
            .await
    }

    /// Seed `join`: the key's acting user joins.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().join(id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn join(&self, id: ConversationId) -> Result<Conversation> {
        self.0
            .post(
                &format!("/v1/conversations/{id}/join"),
                &serde_json::json!({}),
            )
            .await
    }

    /// Seed `leave`: the key's acting user leaves.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().leave(id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn leave(&self, id: ConversationId) -> Result<Conversation> {
        self.0
            .post(
                &format!("/v1/conversations/{id}/leave"),
                &serde_json::json!({}),
            )
            .await
    }

    /// Seed `assignTeamMember`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let agent = "01936b1e-7c2a-7000-8000-000000000001".parse().unwrap();
    /// client.conversations().assign_team_member(id, agent).await?;
    /// # Ok(()) }
    /// ```
    pub async fn assign_team_member(
        &self,
        id: ConversationId,
        user_id: UserId,
    ) -> Result<Conversation> {
        self.0
            .post(
                &format!("/v1/conversations/{id}/members"),
                &AssignTeamMember { user_id },
            )
            .await
    }

    /// Seed `removeTeamMember`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let agent = "01936b1e-7c2a-7000-8000-000000000001".parse().unwrap();
    /// client.conversations().remove_team_member(id, agent).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_team_member(
        &self,
        id: ConversationId,
        user_id: UserId,
    ) -> Result<Conversation> {
        let path = format!("/v1/conversations/{id}/members/{user_id}");
        self.0.send(self.0.request(Method::DELETE, &path)).await
    }

    /// Seed `getInvitableUsers`: `q` matches name or email, ignoring case and accents.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::Page;
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let users = client.conversations().get_invitable_users(id, None, &Page::default()).await?;
    /// for u in &users.data {
    ///     println!("{} {}", u.id, u.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_invitable_users(
        &self,
        id: ConversationId,
        q: Option<&str>,
        page: &Page,
    ) -> Result<List<User>> {
        let path = format!("/v1/conversations/{id}/invitable-users");
        let mut request = self.0.request(Method::GET, &path).query(page);
        if let Some(q) = q {
            request = request.query(&[("q", q)]);
        }
        self.0.send(request).await
    }

    /// Seed `getViewsCount`: `{mine, unassigned, assigned, all, by_status}` under the filters.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::ConversationFilters;
    /// let counts = client.conversations().get_views_count(&ConversationFilters { type_or_view: Some("open".into()), ..Default::default() }).await?;
    /// println!("{counts:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_views_count(&self, filters: &ConversationFilters) -> Result<ViewsCount> {
        self.0.get("/v1/conversations/views/count", filters).await
    }

    /// Seed 002 `getOrCreateConversation`: the customer's conversation, made when missing.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let req = serde_json::from_value(serde_json::json!({
    ///     "type": "DIRECT",
    ///     "customer": {"externalId": "website_user_123", "name": "Jane Customer", "email": "jane@example.com"},
    ///     "channelIdentifier": "example.com",
    ///     "metadata": {"source": "website-chat"}
    /// })).unwrap();
    /// let conversation = client.conversations().get_or_create(&req).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_or_create(&self, req: &GetOrCreateConversation) -> Result<Conversation> {
        self.0.post("/v1/conversations/get-or-create", req).await
    }

    /// Seed 002 `createSubConversation`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let parent = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let req = serde_json::from_value(serde_json::json!({
    ///     "name": "Order #1042", "type": "GROUP",
    ///     "customer": {"externalId": "website_user_123"}, "channelIdentifier": "example.com"
    /// })).unwrap();
    /// let thread = client.conversations().create_sub_conversation(parent, &req).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_sub_conversation(
        &self,
        parent_id: ConversationId,
        req: &GetOrCreateConversation,
    ) -> Result<Conversation> {
        self.0
            .post(
                &format!("/v1/conversations/{parent_id}/sub-conversations"),
                req,
            )
            .await
    }

    /// Seed 002 `listSubConversations`: oldest first.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::Page;
    /// let parent = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let page = client.conversations().list_sub_conversations(parent, &Page { limit: Some(30), ..Default::default() }).await?;
    /// let next = client.conversations().list_sub_conversations(parent, &Page { limit: Some(30), cursor: page.next_cursor, ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_sub_conversations(
        &self,
        parent_id: ConversationId,
        page: &Page,
    ) -> Result<List<Conversation>> {
        self.0
            .get(
                &format!("/v1/conversations/{parent_id}/sub-conversations"),
                page,
            )
            .await
    }

    /// Seed `search`: full text in any language, ranked, with highlights.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let bu = "01936b1e-7c2a-7000-8000-000000000002".parse().ok();
    /// let results = client.conversations().search("refund request", bu, Some(10), None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn search(
        &self,
        q: &str,
        business_unit_id: Option<BusinessUnitId>,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<List<SearchHit>> {
        #[derive(Serialize)]
        struct Query<'a> {
            q: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            business_unit_id: Option<BusinessUnitId>,
            #[serde(skip_serializing_if = "Option::is_none")]
            limit: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<&'a str>,
        }
        self.0
            .get(
                "/v1/conversations/search",
                &Query {
                    q,
                    business_unit_id,
                    limit,
                    cursor,
                },
            )
            .await
    }

    /// Seed `initVideoCall`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let result = client.conversations().init_video_call(id).await?;
    /// println!("{:?}", result.conversation);
    /// # Ok(()) }
    /// ```
    pub async fn init_video_call(&self, id: ConversationId) -> Result<VideoCallStarted> {
        self.0
            .post(
                &format!("/v1/conversations/{id}/video-call"),
                &serde_json::json!({}),
            )
            .await
    }

    /// A conversation's messages, oldest first.
    pub async fn list_messages(&self, id: ConversationId, page: &Page) -> Result<List<Message>> {
        self.0
            .get(&format!("/v1/conversations/{id}/messages"), page)
            .await
    }

    /// Adds a message; a repeated `external_id` answers the first message.
    pub async fn create_message(&self, id: ConversationId, req: &CreateMessage) -> Result<Message> {
        self.0
            .post(&format!("/v1/conversations/{id}/messages"), req)
            .await
    }

    /// The conversation's activity log.
    pub async fn events(&self, id: ConversationId, after: Option<i64>) -> Result<List<Event>> {
        self.0
            .get(
                &format!("/v1/conversations/{id}/events"),
                &EventQuery { after, limit: None },
            )
            .await
    }
}

directory_resource!(
    /// `/v1/webhooks`: `create` answers the signing secret once.
    Webhooks, "/v1/webhooks", convo_types::Webhook, convo_types::WebhookId, convo_types::CreateWebhook, convo_types::UpdateWebhook
);

impl Webhooks<'_> {
    /// A new signing secret, answered once; the old one signs too for 24 hours.
    pub async fn rotate_secret(&self, id: convo_types::WebhookId) -> Result<convo_types::Webhook> {
        self.0
            .post(
                &format!("/v1/webhooks/{id}/rotate-secret"),
                &serde_json::json!({}),
            )
            .await
    }

    /// Deliveries, newest first, with every attempt.
    pub async fn deliveries(
        &self,
        id: convo_types::WebhookId,
        page: &Page,
    ) -> Result<List<convo_types::WebhookDelivery>> {
        self.0
            .get(&format!("/v1/webhooks/{id}/deliveries"), page)
            .await
    }

    /// Sends a delivery again.
    pub async fn replay(
        &self,
        id: convo_types::WebhookId,
        delivery: convo_types::DeliveryId,
    ) -> Result<()> {
        let path = format!("/v1/webhooks/{id}/deliveries/{delivery}/replay");
        self.0.send_empty(self.0.request(Method::POST, &path)).await
    }
}

/// Seed 003's Admin API v2 (`/admin/api/v2/conversations`): AI-agent runs.
pub struct AdminV2<'a>(&'a Client);

impl AdminV2<'_> {
    /// List Conversations: `page_num`, `page_size`, `order`, `status`, `agent_id`, ...
    pub async fn list(&self, query: &[(&str, &str)]) -> Result<List<Conversation>> {
        self.0.get("/admin/api/v2/conversations", &query).await
    }
    /// Create Conversation (topic "New Conversation" and status `running` by default).
    pub async fn create(
        &self,
        req: &convo_types::WorkforceCreateConversation,
    ) -> Result<Conversation> {
        self.0.post("/admin/api/v2/conversations", req).await
    }
    pub async fn get(&self, id: ConversationId) -> Result<Conversation> {
        self.0
            .get(&format!("/admin/api/v2/conversations/{id}"), &NO_QUERY)
            .await
    }
    /// Update Conversation (the topic).
    pub async fn update(
        &self,
        id: ConversationId,
        req: &convo_types::WorkforceUpdateConversation,
    ) -> Result<Conversation> {
        self.0
            .patch(&format!("/admin/api/v2/conversations/{id}"), req)
            .await
    }
    pub async fn update_status(
        &self,
        id: ConversationId,
        req: &convo_types::WorkforceUpdateStatus,
    ) -> Result<Conversation> {
        self.0
            .patch(&format!("/admin/api/v2/conversations/{id}/status"), req)
            .await
    }
    /// Delete Conversation, with its messages.
    pub async fn delete(&self, id: ConversationId) -> Result<()> {
        self.0
            .delete(&format!("/admin/api/v2/conversations/{id}"))
            .await
    }
    /// List Messages By Conversation (`page`, `page_size`).
    pub async fn list_messages(
        &self,
        id: ConversationId,
        page: u32,
        page_size: u32,
    ) -> Result<List<Message>> {
        let query = [("page", page), ("page_size", page_size)];
        self.0
            .get(
                &format!("/admin/api/v2/conversations/{id}/messages"),
                &query,
            )
            .await
    }
}

/// `/v1/messages/{id}`.
pub struct Messages<'a>(&'a Client);

impl Messages<'_> {
    pub async fn get(&self, id: MessageId) -> Result<Message> {
        self.0.get(&format!("/v1/messages/{id}"), &NO_QUERY).await
    }
    pub async fn update(&self, id: MessageId, req: &UpdateMessage) -> Result<Message> {
        self.0.patch(&format!("/v1/messages/{id}"), req).await
    }
    pub async fn delete(&self, id: MessageId) -> Result<()> {
        self.0.delete(&format!("/v1/messages/{id}")).await
    }
}

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

    fn parse(&mut self, block: &str) -> Result<Option<StreamItem>> {
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
pub struct Events<'a>(&'a Client);

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

type PageFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<List<T>>> + Send + 'a>>;

/// Walks every page of a list, one request per page, following `next_cursor`.
///
/// ```no_run
/// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
/// use convo_client::{ConversationFilters, Page};
/// let filters = ConversationFilters { type_or_view: Some("open".into()), ..Default::default() };
/// let mut pages = client.conversations().pages(&filters, 100);
/// while let Some(page) = pages.next_page().await? {
///     for conversation in page {
///         println!("{} {}", conversation.id, conversation.name);
///     }
/// }
/// # Ok(()) }
/// ```
pub struct Pages<'a, T> {
    fetch: Box<dyn Fn(Option<String>) -> PageFuture<'a, T> + Send + 'a>,
    cursor: Option<String>,
    done: bool,
}

impl<'a, T> Pages<'a, T> {
    pub fn new(fetch: impl Fn(Option<String>) -> PageFuture<'a, T> + Send + 'a) -> Self {
        Pages {
            fetch: Box::new(fetch),
            cursor: None,
            done: false,
        }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>> {
        if self.done {
            return Ok(None);
        }
        let page = (self.fetch)(self.cursor.take()).await?;
        self.cursor = page.next_cursor;
        self.done = self.cursor.is_none();
        Ok(Some(page.data))
    }

    /// Every item of every page.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }
}
