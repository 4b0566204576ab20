//! Rate limits: a burst on one key gets `429` with `Retry-After` and `RateLimit-*`, other keys
//! keep their budgets; failed authentications and requests without a key have budgets per
//! client address.

use convo_types::{CreateApiKey, Scope};
use reqwest::{Method, StatusCode};

use crate::common::*;

/// The statuses of `count` quick requests.
async fn burst(
    count: usize,
    request: impl Fn() -> reqwest::RequestBuilder,
) -> Vec<reqwest::Response> {
    let mut answers = Vec::new();
    for _ in 0..count {
        answers.push(request().send().await.unwrap());
    }
    answers
}

#[tokio::test]
async fn a_burst_on_one_key_gets_429_with_retry_after() {
    let server = TestServer::start_with(|s| {
        s.rate_limit = 1;
        s.rate_limit_burst = 5;
    })
    .await;
    // A second key, made before the first spends its budget.
    let other = server
        .admin
        .api_keys()
        .create(&CreateApiKey {
            name: "other".into(),
            scopes: vec![Scope::Admin],
            user_id: None,
            business_unit_ids: None,
        })
        .await
        .unwrap();
    let answers = burst(12, || server.raw(Method::GET, "/v1/contacts")).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    // A burst of five, less the request that made the other key.
    assert_eq!(&statuses[..4], &[200; 4], "{statuses:?}");
    assert!(
        statuses[4..].iter().all(|s| *s == 429),
        "then refused: {statuses:?}"
    );
    let refused = answers
        .into_iter()
        .find(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    let seconds =
        |name: &str| -> u64 { refused.headers()[name].to_str().unwrap().parse().unwrap() };
    assert!((1..=2).contains(&seconds("retry-after")));
    assert_eq!(seconds("ratelimit-limit"), 5);
    assert_eq!(seconds("ratelimit-remaining"), 0);
    assert_eq!(seconds("ratelimit-reset"), seconds("retry-after"));
    let (_, body) = answer(refused).await;
    assert_eq!(body["code"], "rate_limited");
    // The other key has a budget of its own.
    let (status, _) = answer(
        server
            .http
            .get(format!("{}/v1/contacts", server.url))
            .bearer_auth(other.secret.unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn failed_authentications_and_keyless_requests_have_budgets_per_address() {
    let server = TestServer::start_with(|s| {
        s.auth_failure_limit = 3;
        s.anonymous_rate_limit = 2;
    })
    .await;
    let guesses = burst(5, || {
        server
            .http
            .get(format!("{}/v1/contacts", server.url))
            .bearer_auth("convo_sk_guess_0000000000000000")
    })
    .await;
    let statuses: Vec<u16> = guesses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses,
        [401, 401, 401, 429, 429],
        "guessing keys is slowed"
    );
    let keyless = burst(10, || server.http.get(format!("{}/healthz", server.url))).await;
    let statuses: Vec<u16> = keyless.iter().map(|r| r.status().as_u16()).collect();
    // A burst of twice the rate (4), less the readiness check the test server made.
    assert_eq!(&statuses[..3], &[200; 3], "{statuses:?}");
    assert!(statuses[4..].iter().all(|s| *s == 429), "{statuses:?}");
    // A valid key is not slowed by its address's failures.
    let (status, _) = answer(
        server
            .raw(Method::GET, "/v1/contacts")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}
