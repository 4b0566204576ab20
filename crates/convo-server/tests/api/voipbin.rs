//! VoIPbin's conversation resource under `/v1.0`: its example conversation round-trips with
//! every field as VoIPbin prints it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

const NEVER: &str = "9999-01-01 00:00:00.000000";

/// `2022-06-23 05:05:40.950834`: UTC, microseconds.
fn is_voipbin_time(text: &Value) -> bool {
    let text = text.as_str().unwrap_or_default();
    let bytes = text.as_bytes();
    text.len() == 26
        && text.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == ' ',
            13 | 16 => c == ':',
            19 => c == '.',
            _ => c.is_ascii_digit(),
        })
        && bytes[0] == b'2'
}

#[tokio::test]
async fn the_example_conversation_round_trips() {
    let server = TestServer::start().await;
    let call = |method: Method, path: &str, body: Option<Value>| {
        let request = server.raw(method, path);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        async move { answer(request.send().await.unwrap()).await }
    };
    let (_, channel) = call(
        Method::POST,
        "/v1/channels",
        Some(json!({"type": "message", "identifier": "+14703298699"})),
    )
    .await;
    let (_, contact) = call(
        Method::POST,
        "/v1/contacts",
        Some(json!({"name": "Peer", "phone": "+673802"})),
    )
    .await;
    let address = |target: &str| json!({"type": "tel", "target": target, "target_name": "", "name": "", "detail": ""});
    let example = json!({
        "customer_id": contact["id"],
        "owner_type": "agent",
        "owner_id": "3a4b5c6d-7e8f-9012-3456-789abcdef012",
        "account_id": channel["id"],
        "name": "conversation",
        "detail": "conversation detail",
        "dialog_id": "+673802",
        "self": address("+14703298699"),
        "peer": address("+673802"),
    });
    let (status, made) = call(Method::POST, "/v1.0/conversations", Some(example.clone())).await;
    assert_eq!(status, StatusCode::OK);
    for (field, value) in example.as_object().unwrap() {
        assert_eq!(&made[field], value, "{field}");
    }
    assert_eq!(made["type"], "message");
    assert_eq!(made["tm_delete"], NEVER);
    assert!(is_voipbin_time(&made["tm_create"]), "{}", made["tm_create"]);
    assert!(is_voipbin_time(&made["tm_update"]));
    let id = made["id"].as_str().unwrap().to_owned();
    let (status, read) = call(Method::GET, &format!("/v1.0/conversations/{id}"), None).await;
    assert_eq!((status, &read), (StatusCode::OK, &made));

    let (status, changed) = call(
        Method::PUT,
        &format!("/v1.0/conversations/{id}"),
        Some(json!({"name": "renamed", "owner_type": "team"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&changed["name"], &changed["owner_type"], &changed["detail"]),
        (
            &json!("renamed"),
            &json!("team"),
            &json!("conversation detail")
        )
    );

    let (status, sent) = call(
        Method::POST,
        &format!("/v1.0/conversations/{id}/messages"),
        Some(json!({"text": "hello", "medias": [{"type": "file", "url": "https://example.com/a.pdf", "filename": "a.pdf"}]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            &sent["direction"],
            &sent["text"],
            &sent["medias"][0]["filename"]
        ),
        (&json!("outgoing"), &json!("hello"), &json!("a.pdf"))
    );
    let (_, messages) = call(
        Method::GET,
        &format!("/v1.0/conversations/{id}/messages?page_size=10"),
        None,
    )
    .await;
    assert_eq!(messages["result"][0]["id"], sent["id"]);
    assert_eq!(messages["next_page_token"], "");

    // A stored attachment rides along by id and reads back with a signed link.
    let stored = server
        .admin
        .attachments()
        .upload("photo.png", None, b"\x89PNG\r\n\x1a\n".to_vec())
        .await
        .unwrap();
    let (status, sent) = call(
        Method::POST,
        &format!("/v1.0/conversations/{id}/messages"),
        Some(json!({"text": "look", "medias": [{"id": stored.id}]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let media = &sent["medias"][0];
    assert_eq!(
        (&media["id"], &media["type"]),
        (&json!(stored.id), &json!("image"))
    );
    assert!(
        media["url"].as_str().unwrap().contains("signature="),
        "{media}"
    );
    let (status, long) = call(
        Method::POST,
        &format!("/v1.0/conversations/{id}/messages"),
        Some(json!({"text": "x", "medias": [{"id": stored.id, "type": "x".repeat(300)}]})),
    )
    .await;
    assert_eq!(
        (status, &long["errors"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("medias[0].type"))
    );

    let (status, gone) = call(Method::DELETE, &format!("/v1.0/conversations/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(is_voipbin_time(&gone["tm_delete"]) && gone["tm_delete"] != NEVER);
    let (status, _) = call(Method::GET, &format!("/v1.0/conversations/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lists_page_with_page_tokens() {
    let server = TestServer::start().await;
    for name in ["one", "two", "three"] {
        let (status, _) = answer(
            server
                .raw(Method::POST, "/v1.0/conversations")
                .json(&json!({"name": name}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let mut names = Vec::new();
    let mut token = String::new();
    loop {
        let mut path = "/v1.0/conversations?page_size=2".to_owned();
        if !token.is_empty() {
            path.push_str(&format!("&page_token={token}"));
        }
        let (status, page) = answer(server.raw(Method::GET, &path).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        for c in page["result"].as_array().unwrap() {
            names.push(c["name"].as_str().unwrap().to_owned());
            // No channel, customer or owner: VoIPbin's empty values.
            assert_eq!(
                (&c["account_id"], &c["type"], &c["self"]["target"]),
                (
                    &json!("00000000-0000-0000-0000-000000000000"),
                    &json!(""),
                    &json!("")
                )
            );
        }
        token = page["next_page_token"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(names, ["three", "two", "one"]);
    expect_problems([
        (
            server.raw(Method::GET, "/v1.0/conversations?page_size=0"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(Method::GET, "/v1.0/conversations?page_token=bogus"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(
                Method::GET,
                "/v1.0/conversations/01936b1e-0000-7000-8000-000000000000",
            ),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ])
    .await;
}
