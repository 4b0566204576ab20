//! Single sign-on end to end: a real OpenID provider (npm's `oidc-provider`) started beside
//! the server, a browser with a cookie jar, and every refusal the flow promises.

use std::sync::{Arc, Mutex};

use convo_client::Page;
use convo_types::{CreateInvitation, CreateUser, UserRole};
use reqwest::cookie::CookieStore;
use reqwest::StatusCode;

use crate::common::*;
use crate::tools::{free_port, OidcProvider};

/// A browser that follows redirects until convo's callback, keeping cookies.
struct Browser {
    http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    callback: Arc<Mutex<Option<reqwest::Url>>>,
}

impl Browser {
    fn new(server: &TestServer) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let callback = Arc::new(Mutex::new(None));
        let seen = callback.clone();
        let stop_at = format!("{}/auth/oidc/callback", server.url);
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.url().as_str().starts_with(&stop_at) {
                    *seen.lock().unwrap() = Some(attempt.url().clone());
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .unwrap();
        Browser {
            http,
            jar,
            callback,
        }
    }

    /// Starts at convo's login and goes through the provider; answers the callback URL the
    /// provider sends the browser to, and the flow cookie convo set.
    async fn to_callback(&self, server: &TestServer) -> (reqwest::Url, String) {
        let answer = self
            .http
            .get(format!("{}/auth/oidc/login", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::SEE_OTHER,
            "{:?}",
            answer.text().await
        );
        let callback = self
            .callback
            .lock()
            .unwrap()
            .take()
            .expect("the provider sends the browser back");
        let cookies = self.jar.cookies(&callback).expect("the flow cookie");
        (callback, cookies.to_str().unwrap().to_owned())
    }
}

/// A request that does not follow the redirect it gets (to the inbox).
async fn callback_with(url: &reqwest::Url, cookies: &str) -> reqwest::Response {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = http.get(url.clone());
    if !cookies.is_empty() {
        request = request.header("cookie", cookies);
    }
    request.send().await.unwrap()
}

/// The whole flow for `who`: the callback's answer.
pub async fn sign_in_as(
    server: &TestServer,
    provider: &OidcProvider,
    who: &str,
) -> reqwest::Response {
    provider.next(who).await;
    let browser = Browser::new(server);
    let (callback, cookies) = browser.to_callback(server).await;
    callback_with(&callback, &cookies).await
}

pub fn session_cookie(answer: &reqwest::Response) -> String {
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("convo_session="))
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn me_with(server: &TestServer, cookie: &str) -> serde_json::Value {
    server
        .http
        .get(format!("{}/v1/me", server.url))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn refused(answer: reqwest::Response, because: &str) {
    let (status, problem) = answer_of(answer).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("sso_failed")),
        "{problem}"
    );
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(because), "{detail}");
}

async fn answer_of(response: reqwest::Response) -> (StatusCode, serde_json::Value) {
    answer(response).await
}

#[tokio::test]
async fn people_sign_in_with_an_openid_provider() {
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let server = TestServer::start_at(|settings, url| {
        settings.public_url = Some(url.to_owned());
        settings.oidc_issuer = Some(issuer.clone());
        settings.oidc_client_id = Some("convo".into());
        settings.oidc_client_secret = Some("convo-test-client-secret".into());
        settings.oidc_allowed_domains = vec!["example.com".into()];
    })
    .await;
    let provider = OidcProvider::start(port, &format!("{}/auth/oidc/callback", server.url)).await;
    let alice = server
        .admin
        .users()
        .create(&CreateUser {
            name: "Alice".into(),
            email: Some("Alice@Example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    server
        .admin
        .invitations()
        .create(&CreateInvitation {
            email: "carol@elsewhere.test".into(),
            role: Some(UserRole::Admin),
            ..Default::default()
        })
        .await
        .unwrap();

    // A person here, matched by verified email: signed in, sent to the inbox.
    let signed_in = sign_in_as(&server, &provider, "alice").await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/inbox/");
    let cookie = session_cookie(&signed_in);
    assert_eq!(
        me_with(&server, &cookie).await["user"]["id"],
        alice.id.to_string()
    );

    // An invited person joins with the invited role.
    let carol = sign_in_as(&server, &provider, "carol").await;
    let carol = me_with(&server, &session_cookie(&carol)).await;
    assert_eq!(
        (
            carol["user"]["email"].as_str(),
            carol["user"]["role"].as_str()
        ),
        (Some("carol@elsewhere.test"), Some("admin"))
    );
    assert!(server
        .admin
        .invitations()
        .list(&Page::default())
        .await
        .unwrap()
        .data
        .is_empty());

    // Someone new from an allowed domain joins as an agent.
    let dana = sign_in_as(&server, &provider, "dana").await;
    let dana = me_with(&server, &session_cookie(&dana)).await;
    assert_eq!(
        (dana["user"]["name"].as_str(), dana["user"]["role"].as_str()),
        (Some("Dana Pham"), Some("agent"))
    );

    // Refusals: an unverified email, a domain not allowed.
    refused(sign_in_as(&server, &provider, "bob").await, "not verified").await;
    refused(
        sign_in_as(&server, &provider, "erin").await,
        "domain may not join",
    )
    .await;

    // A state that is not the flow's, a code used twice, a callback without the flow.
    provider.next("alice").await;
    let browser = Browser::new(&server);
    let (callback, cookies) = browser.to_callback(&server).await;
    let mut forged = callback.clone();
    let pairs: Vec<(String, String)> = callback
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "state" {
                "forged-state".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    refused(
        callback_with(&forged, &cookies).await,
        "state does not match",
    )
    .await;
    assert_eq!(
        callback_with(&callback, &cookies).await.status(),
        StatusCode::SEE_OTHER
    );
    refused(
        callback_with(&callback, &cookies).await,
        "refused this sign-in",
    )
    .await;
    refused(callback_with(&callback, "").await, "no sign-in was started").await;

    // Without configuration the routes say so.
    let plain = TestServer::start().await;
    let (status, _) = answer(
        plain
            .http
            .get(format!("{}/auth/oidc/login", plain.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    plain.stop().await;
    server.stop().await;
}
