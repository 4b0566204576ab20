//! Sessions and the one visibility rule: what a signed-in agent sees, CSRF, sign-in
//! limits, sign-out, deactivation, and what a made-up cookie may not escape.

use convo_client::{Client, ConversationFilters, Page};
use convo_types::{AuthMethod, ErrorCode, UpdateUser, UserRole};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::*;
use crate::common::*;

#[tokio::test]
async fn an_agent_signs_in_and_sees_only_their_units() {
    let server = TestServer::start().await;
    let TwoUnits {
        mine: sales,
        other: support,
        theirs,
        hidden,
    } = two_units(
        &server,
        "Sales",
        "Support",
        "refund for Sales",
        "refund for Support",
    )
    .await;
    let agent = person(&server, "kim@example.com", UserRole::Agent, vec![sales.id]).await;

    let anonymous = Client::anonymous(&server.url).unwrap();
    let signed_in = anonymous
        .sessions()
        .create(&sign_in_request("KIM@example.com ", PASSWORD))
        .await
        .unwrap();
    assert_eq!(signed_in.session.user.id, agent.id);
    let kim = signed_in.client;
    assert_eq!(
        kim.me().get().await.unwrap().authenticated_by,
        AuthMethod::Session
    );

    // Lists, search, counts and direct reads all see Sales only.
    let listed = kim
        .conversations()
        .list(&ConversationFilters::default(), &Page::default())
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![theirs.id]
    );
    let found = kim
        .conversations()
        .search("refund", None, None, None)
        .await
        .unwrap();
    assert_eq!(
        found
            .data
            .iter()
            .map(|h| h.conversation.id)
            .collect::<Vec<_>>(),
        vec![theirs.id]
    );
    assert_eq!(
        kim.conversations()
            .get(hidden.id)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    assert!(kim.conversations().get(theirs.id).await.is_ok());
    let counts = kim
        .conversations()
        .get_views_count(&ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(counts.all, 1, "counts see Sales only");
    let events = kim.events().list(None, Some(100)).await.unwrap();
    assert!(!events.data.is_empty());
    assert!(events
        .data
        .iter()
        .all(|e| e.conversation_id == Some(theirs.id)));
    // The live stream, from the start, replays Sales only.
    let mut stream = kim
        .events()
        .stream(&Default::default(), Some(0))
        .await
        .unwrap();
    let mut streamed = Vec::new();
    while let Ok(Ok(convo_client::StreamItem::Event(event))) =
        tokio::time::timeout(std::time::Duration::from_millis(500), stream.next()).await
    {
        streamed.push(event.conversation_id);
    }
    assert!(!streamed.is_empty());
    assert!(
        streamed.iter().all(|id| *id == Some(theirs.id)),
        "{streamed:?}"
    );
    // An agent reads the directory but does not change it.
    assert!(kim.users().list(&Page::default()).await.is_ok());
    let denied = kim
        .business_units()
        .create(&unit("Mine"))
        .await
        .unwrap_err();
    assert_eq!(denied.status(), Some(403));
    // Writes within their units work (the client sends the CSRF token).
    let made = kim
        .conversations()
        .create(&in_unit("from the inbox", sales.id))
        .await
        .unwrap();
    assert_eq!(made.business_unit_id, sales.id);

    // Moved to Support, the same session sees Support.
    server
        .admin
        .users()
        .update(
            agent.id,
            &UpdateUser {
                business_unit_ids: Some(vec![support.id]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(kim.conversations().get(hidden.id).await.is_ok());

    kim.sessions().sign_out().await.unwrap();
    assert_eq!(kim.me().get().await.unwrap_err().status(), Some(401));
    server.stop().await;
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token_and_bearer_ignores_cookies() {
    let server = TestServer::start().await;
    person(&server, "lan@example.com", UserRole::Admin, vec![]).await;
    let response = server
        .http
        .post(format!("{}/v1/sessions", server.url))
        .json(&json!({"email": "lan@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set_cookie.starts_with("convo_session=convo_ses_"),
        "{set_cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
    let session: serde_json::Value = response.json().await.unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let with_cookie = |method: Method, path: &str| {
        server
            .http
            .request(method, format!("{}{path}", server.url))
            .header("cookie", &cookie)
    };
    let body = json!({"name": "csrf"});
    expect_problems([
        (
            with_cookie(Method::POST, "/v1/conversations").json(&body),
            StatusCode::FORBIDDEN,
            "csrf_failed",
        ),
        (
            with_cookie(Method::POST, "/v1/conversations")
                .header("x-csrf-token", "forged")
                .json(&body),
            StatusCode::FORBIDDEN,
            "csrf_failed",
        ),
        (
            with_cookie(Method::POST, "/v1/conversations")
                .header("x-csrf-token", &csrf)
                .header("origin", "https://attacker.example")
                .json(&body),
            StatusCode::FORBIDDEN,
            "csrf_failed",
        ),
        (
            with_cookie(Method::POST, "/v1/conversations")
                .header("x-csrf-token", &csrf)
                .header("sec-fetch-site", "cross-site")
                .json(&body),
            StatusCode::FORBIDDEN,
            "csrf_failed",
        ),
        // A request with `Authorization` never falls back to the cookie.
        (
            with_cookie(Method::GET, "/v1/me").bearer_auth("convo_sk_not_a_key"),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
    ])
    .await;
    let made = with_cookie(Method::POST, "/v1/conversations")
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    // Reads need no token; the current session answers it again after a reload.
    let current: serde_json::Value = with_cookie(Method::GET, "/v1/sessions/current")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(current["csrf_token"], json!(csrf));
    // With an API key there is no current session.
    let (status, problem) = answer(
        server
            .raw(Method::GET, "/v1/sessions/current")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );

    let signed_out = with_cookie(Method::DELETE, "/v1/sessions/current")
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    assert!(signed_out.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _) = answer(with_cookie(Method::GET, "/v1/me").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn wrong_emails_and_passwords_answer_alike_and_are_slowed() {
    let server = TestServer::start().await;
    person(&server, "mai@example.com", UserRole::Agent, vec![]).await;
    let anonymous = Client::anonymous(&server.url).unwrap().with_retries(0);
    for (email, password) in [
        ("mai@example.com", "not-the-password"),
        ("nobody@example.com", PASSWORD),
    ] {
        let error = anonymous
            .sessions()
            .create(&sign_in_request(email, password))
            .await
            .err()
            .unwrap();
        assert_eq!(
            (error.status(), error.code()),
            (Some(401), Some(ErrorCode::InvalidCredentials)),
            "{email}"
        );
    }
    // Bad input is a clear refusal, never a 500: NUL, a huge password, a malformed email.
    let huge = "x".repeat(5_000);
    expect_problems([
        (
            server
                .http
                .post(format!("{}/v1/sessions", server.url))
                .json(&json!({"email": "mai@example.com", "password": huge})),
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ),
        (
            server
                .http
                .post(format!("{}/v1/sessions", server.url))
                .json(&json!({"email": "mai@example.com", "password": "a\u{0}b"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .http
                .post(format!("{}/v1/sessions", server.url))
                .json(&json!({"email": "not an email", "password": PASSWORD})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ])
    .await;
    // Ten attempts per account at once, then one every 30 s: the right password waits too.
    let mut limited = None;
    for _ in 0..12 {
        if let Err(error) = anonymous
            .sessions()
            .create(&sign_in_request("Mai@example.com", "still-wrong-password"))
            .await
        {
            if error.status() == Some(429) {
                limited = Some(error);
                break;
            }
        }
    }
    let limited = limited.expect("sign-ins are slowed after ten attempts");
    assert_eq!(limited.code(), Some(ErrorCode::RateLimited));
    let right = anonymous
        .sessions()
        .create(&sign_in_request("mai@example.com", PASSWORD))
        .await
        .err()
        .unwrap();
    assert_eq!(
        right.status(),
        Some(429),
        "a guesser past the budget learns nothing"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_deactivated_person_is_signed_out_at_once() {
    let server = TestServer::start().await;
    let user = person(&server, "bao@example.com", UserRole::Agent, vec![]).await;
    let bao = sign_in(&server, "bao@example.com").await;
    assert!(bao.me().get().await.is_ok());
    server
        .admin
        .users()
        .update(
            user.id,
            &UpdateUser {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(bao.me().get().await.unwrap_err().status(), Some(401));
    server.stop().await;
}

/// The first `prefix...` token in a mailed message (quoted-printable soft breaks undone).
#[tokio::test]
async fn a_made_up_cookie_does_not_escape_the_anonymous_budget() {
    let server = TestServer::start_with(|settings| settings.anonymous_rate_limit = 1).await;
    person(&server, "khanh@example.com", UserRole::Agent, vec![]).await;
    let khanh = sign_in(&server, "khanh@example.com").await.with_retries(0);
    for _ in 0..10 {
        khanh
            .me()
            .get()
            .await
            .expect("a live session is counted per session");
    }
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let answer = server
            .http
            .get(format!("{}/healthz", server.url))
            .header("cookie", "convo_session=convo_ses_made_up")
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    server.stop().await;
}

#[tokio::test]
async fn a_person_sending_again_with_the_same_idempotency_key_sends_once() {
    let server = TestServer::start().await;
    person(&server, "kim@example.com", UserRole::Agent, vec![]).await;
    let response = server
        .http
        .post(format!("{}/v1/sessions", server.url))
        .json(&json!({"email": "kim@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let session: serde_json::Value = response.json().await.unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    let conversation = server
        .admin
        .conversations()
        .create(&Default::default())
        .await
        .unwrap();
    // The inbox's "Try again" after a lost answer: the same key, from the same session.
    let send = |key: &'static str| {
        server
            .http
            .post(format!(
                "{}/v1/conversations/{}/messages",
                server.url, conversation.id
            ))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .header("idempotency-key", key)
            .json(&json!({"content": "sent once", "message_type": "outgoing"}))
            .send()
    };
    let first = send("inbox-try-again-1").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = send("inbox-try-again-1").await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (first, again): (serde_json::Value, serde_json::Value) =
        (first.json().await.unwrap(), again.json().await.unwrap());
    assert_eq!(first["id"], again["id"]);
    let stored = server
        .admin
        .conversations()
        .list_messages(conversation.id, &Page::default())
        .await
        .unwrap();
    assert_eq!(stored.data.len(), 1);
    server.stop().await;
}
