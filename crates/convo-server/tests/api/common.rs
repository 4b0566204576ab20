//! The test server on port 0 and the helpers every test uses.

use convo_client::Client;
use convo_server::{launch, Settings};
use convo_types::{CreateApiKey, CreateConversation, CreateUser, Scope, UserKind};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const ADMIN_KEY: &str = "convo_sk_test_admin_key_0123456789";

pub struct TestServer {
    /// The checking proxy in front of the server (see `contract.rs`).
    pub url: String,
    /// The server itself (`127.0.0.1:port`), for tests of the connection layer.
    pub address: std::net::SocketAddr,
    pub violations: crate::contract::Violations,
    pub admin: Client,
    pub http: reqwest::Client,
    pub stop: Option<oneshot::Sender<()>>,
    pub task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    pub _dir: tempfile::TempDir,
    /// A PostgreSQL database made for this server, dropped by `stop`: (server URL, name).
    pub postgres: Option<(String, String)>,
    /// Where it keeps its data.
    pub database_url: String,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> Self {
        Self::start_on(None, |settings, _| configure(settings)).await
    }

    /// A server configured knowing the address clients reach it at.
    pub async fn start_at(configure: impl FnOnce(&mut Settings, &str)) -> Self {
        Self::start_on(None, configure).await
    }

    /// A server on a fresh database of the PostgreSQL server at `CONVO_TEST_POSTGRES_URL`,
    /// when it is set.
    pub async fn start_on_postgres() -> Option<Self> {
        Self::start_on_postgres_at(|_, _| {}).await
    }

    /// As [`TestServer::start_on_postgres`], configured knowing the address clients use.
    pub async fn start_on_postgres_at(configure: impl FnOnce(&mut Settings, &str)) -> Option<Self> {
        let server_url = std::env::var("CONVO_TEST_POSTGRES_URL").ok()?;
        let name = format!("convo_api_{}", uuid::Uuid::now_v7().simple());
        postgres_admin(&server_url, &format!("CREATE DATABASE {name}")).await;
        let base = server_url
            .rsplit_once('/')
            .map_or(server_url.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        Some(Self::start_on(Some((server_url, name, url)), configure).await)
    }

    async fn start_on(
        postgres: Option<(String, String, String)>,
        configure: impl FnOnce(&mut Settings, &str),
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = dir.path().join("convo.db").to_str().unwrap().to_owned();
        let database = postgres.as_ref().map_or(sqlite, |(_, _, url)| url.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let direct_url = format!("http://{address}");
        let violations = crate::contract::Violations::default();
        let url = crate::contract::proxy(direct_url, violations.clone()).await;
        let mut settings = Settings::new(database);
        settings.admin_key = Some(ADMIN_KEY.into());
        configure(&mut settings, &url);
        let database_url = settings.database_url.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(launch(settings, listener, async {
            let _ = stopped.await;
        }));
        let server = TestServer {
            admin: Client::new(&url, ADMIN_KEY).unwrap(),
            http: reqwest::Client::new(),
            url,
            address,
            violations,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
            postgres: postgres.map(|(server, name, _)| (server, name)),
            database_url,
        };
        for _ in 0..100 {
            if let Ok(r) = server
                .http
                .get(format!("{}/readyz", server.url))
                .send()
                .await
            {
                if r.status() == StatusCode::OK {
                    return server;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the server did not become ready");
    }

    /// Another node on this server's database (on PostgreSQL, several `convo serve`
    /// processes share one); its own database is not dropped when it stops.
    pub async fn another_node(&self) -> Self {
        let database = self.database_url.clone();
        Self::start_on(None, move |settings, _| settings.database_url = database).await
    }

    pub fn raw(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(ADMIN_KEY)
    }

    pub async fn key(&self, scopes: Vec<Scope>) -> Client {
        let key = self
            .admin
            .api_keys()
            .create(&CreateApiKey {
                name: "test".into(),
                scopes,
                user_id: None,
                business_unit_ids: None,
            })
            .await
            .unwrap();
        self.admin.with_api_key(key.secret.unwrap())
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
        if let Some((server, name)) = self.postgres.take() {
            postgres_admin(
                &server,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await;
        }
    }
}

/// Runs one statement on the PostgreSQL server (creating and dropping test databases).
async fn postgres_admin(server_url: &str, statement: &str) {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(server_url).await.unwrap();
    sqlx::query(statement)
        .execute(&mut connection)
        .await
        .unwrap();
}

/// Every answer a test received must match the document; the test fails otherwise.
impl Drop for TestServer {
    fn drop(&mut self) {
        let violations = self.violations.lock().unwrap();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "answers that do not match /openapi.json:\n  {}",
                violations.join("\n  ")
            );
        }
    }
}

/// Status and body of a raw answer; error bodies must be problem+json.
pub async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let problem = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap_or_default() == "application/problem+json");
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        assert!(problem, "{status} must answer problem+json: {body}");
        assert_eq!(body["status"], json!(status.as_u16()));
    }
    (status, body)
}

/// Sends each request and checks it is refused with that status and problem `code`.
pub async fn expect_problems(
    cases: impl IntoIterator<Item = (reqwest::RequestBuilder, StatusCode, &str)>,
) {
    for (request, status, code) in cases {
        let (got, body) = answer(request.send().await.unwrap()).await;
        assert_eq!(
            (got, body["code"].as_str().unwrap_or_default()),
            (status, code),
            "{body}"
        );
    }
}

/// Creates one conversation per (label, text) with the text as an incoming message.
pub async fn conversations_with_messages(
    server: &TestServer,
    texts: &[(&str, &str)],
    contact: Option<convo_types::ContactId>,
) -> Vec<convo_types::ConversationId> {
    let mut ids = Vec::new();
    for (label, text) in texts {
        let conversation = server
            .admin
            .conversations()
            .create(&CreateConversation {
                name: Some((*label).into()),
                contact_id: contact,
                ..Default::default()
            })
            .await
            .unwrap();
        let message = convo_types::CreateMessage {
            content: (*text).into(),
            message_type: Some(convo_types::MessageType::Incoming),
            ..Default::default()
        };
        server
            .admin
            .conversations()
            .create_message(conversation.id, &message)
            .await
            .unwrap();
        ids.push(conversation.id);
    }
    ids
}

pub async fn next_event(stream: &mut convo_client::EventStream) -> convo_types::Event {
    let item = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .expect("an event within 10 s")
        .unwrap();
    match item {
        convo_client::StreamItem::Event(event) => *event,
        other => panic!("expected an event, got {other:?}"),
    }
}

/// A local webhook receiver: answers 500 to the first `fail_first` requests, then 200, and
/// keeps every request it was sent.
pub struct Receiver {
    pub url: String,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, bytes::Bytes)>>>,
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Receiver {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let received: std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, bytes::Bytes)>>> =
            Default::default();
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let (store, counter) = (received.clone(), calls.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: bytes::Bytes| {
                let (store, counter) = (store.clone(), counter.clone());
                async move {
                    if counter.fetch_add(1, Ordering::SeqCst) < fail_first {
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    store.lock().unwrap().push((headers, body));
                    StatusCode::OK
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, received }
    }

    pub async fn wait_for(&self, count: usize) -> Vec<(axum::http::HeaderMap, bytes::Bytes)> {
        for _ in 0..200 {
            if self.received.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.received.lock().unwrap().clone()
    }
}

/// A client acting as a new user of `kind`, the user, and the key's secret.
pub async fn acting_as(
    server: &TestServer,
    name: &str,
    kind: UserKind,
) -> (Client, convo_types::User, String) {
    let user = server
        .admin
        .users()
        .create(&CreateUser {
            name: name.into(),
            kind: Some(kind),
            ..Default::default()
        })
        .await
        .unwrap();
    let key = server
        .admin
        .api_keys()
        .create(&CreateApiKey {
            name: name.into(),
            scopes: vec![
                Scope::ConversationsRead,
                Scope::ConversationsWrite,
                Scope::MessagesRead,
                Scope::MessagesWrite,
            ],
            user_id: Some(user.id),
            business_unit_ids: None,
        })
        .await
        .unwrap();
    let secret = key.secret.unwrap();
    (server.admin.with_api_key(secret.clone()), user, secret)
}
