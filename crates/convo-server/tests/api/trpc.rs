//! Connect360's procedures over tRPC's HTTP protocol: single calls, batches, and errors in
//! tRPC's envelope (the node suite in `compat/trpc` drives the same through `@trpc/client`).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

/// Status and JSON body of a tRPC answer.
async fn trpc(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    assert_eq!(response.headers()["content-type"], "application/json");
    (status, response.json().await.unwrap())
}

fn query(server: &TestServer, path: &str, input: &Value) -> reqwest::RequestBuilder {
    server
        .raw(Method::GET, &format!("/trpc/{path}"))
        .query(&[("input", input.to_string())])
}

fn mutation(server: &TestServer, path: &str, input: &Value) -> reqwest::RequestBuilder {
    server
        .raw(Method::POST, &format!("/trpc/{path}"))
        .json(input)
}

fn error_code(body: &Value) -> (&str, i64, &str) {
    let error = &body["error"];
    (
        error["data"]["code"].as_str().unwrap_or_default(),
        error["code"].as_i64().unwrap_or_default(),
        error["data"]["problem"]["code"]
            .as_str()
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn procedures_answer_in_trpc_envelopes() {
    let server = TestServer::start().await;
    let input = json!({"type": "DIRECT", "customer": {"externalId": "u1", "name": "Jane"}});
    let (status, made) = trpc(mutation(
        &server,
        "v1.connect.getOrCreateConversation",
        &input,
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let conversation = &made["result"]["data"];
    assert_eq!(conversation["type"], "DIRECT");
    assert_eq!(
        conversation["_count"],
        json!({"children": 0, "messages": 0})
    );
    let id = conversation["id"].clone();

    let (status, read) = trpc(query(
        &server,
        "v1.connect.getConversation",
        &json!({"id": id}),
    ))
    .await;
    assert_eq!(
        (status, &read["result"]["data"]["id"]),
        (StatusCode::OK, &id)
    );

    let (status, changed) = trpc(mutation(
        &server,
        "v1.connect.updateConversation",
        &json!({"id": id, "name": "VIP", "metadata": {"priority": "high"}}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(changed["result"]["data"]["name"], "VIP");

    // A batch of two queries, one failing: 207 and an outcome each, in order.
    let (status, batch) = trpc(
        server
            .raw(
                Method::GET,
                "/trpc/v1.connect.getConversation,v1.connect.getConversation",
            )
            .query(&[
                ("batch", "1".to_owned()),
                (
                    "input",
                    json!({"0": {"id": id}, "1": {"id": "01936b1e-0000-7000-8000-000000000000"}})
                        .to_string(),
                ),
            ]),
    )
    .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert_eq!(batch[0]["result"]["data"]["id"], id);
    assert_eq!(error_code(&batch[1]), ("NOT_FOUND", -32004, "not_found"));
    assert_eq!(
        batch[1]["error"]["data"]["path"],
        "v1.connect.getConversation"
    );

    // A batch of mutations, every one made.
    let (status, batch) = trpc(
        server
            .raw(
                Method::POST,
                "/trpc/v1.connect.createSubConversation,v1.connect.createSubConversation",
            )
            .query(&[("batch", "1")])
            .json(&json!({"0": {"parentId": id, "name": "a"}, "1": {"parentId": id, "name": "b"}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(batch[1]["result"]["data"]["parentId"], id);

    let (status, page) = trpc(query(
        &server,
        "v1.connect.listSubConversations",
        &json!({"parentId": id, "limit": 1}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["result"]["data"]["nextCursor"], 1);
    assert_eq!(page["result"]["data"]["items"][0]["name"], "a");

    let (status, deleted) = trpc(mutation(
        &server,
        "v1.connect.deleteConversation",
        &json!({"id": id}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        deleted["result"]["data"],
        json!({"id": id, "deleted": true})
    );
}

#[tokio::test]
async fn errors_carry_trpc_codes_and_the_problem() {
    let server = TestServer::start().await;
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, (&str, i64, &str))> = vec![
        (
            server
                .http
                .get(format!("{}/trpc/v1.connect.getConversation", server.url))
                .query(&[("input", "{}")]),
            StatusCode::UNAUTHORIZED,
            ("UNAUTHORIZED", -32001, "unauthorized"),
        ),
        (
            query(
                &server,
                "v1.connect.getConversation",
                &json!({"id": "nope"}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            ("UNPROCESSABLE_CONTENT", -32022, "validation_failed"),
        ),
        (
            query(&server, "v1.connect.getConversation", &json!({})),
            StatusCode::UNPROCESSABLE_ENTITY,
            ("UNPROCESSABLE_CONTENT", -32022, "validation_failed"),
        ),
        (
            server
                .raw(Method::GET, "/trpc/v1.connect.getConversation")
                .query(&[("input", "{not json")]),
            StatusCode::BAD_REQUEST,
            ("BAD_REQUEST", -32600, "invalid_json"),
        ),
        (
            mutation(
                &server,
                "v1.connect.getOrCreateConversation",
                &json!({"customer": {"externalId": "nul\u{0}"}}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            ("UNPROCESSABLE_CONTENT", -32022, "validation_failed"),
        ),
        (
            query(&server, "v1.connect.noSuchProcedure", &json!({})),
            StatusCode::NOT_FOUND,
            ("NOT_FOUND", -32004, "not_found"),
        ),
    ];
    for (request, status, expected) in cases {
        let (got, body) = trpc(request).await;
        assert_eq!((got, error_code(&body)), (status, expected), "{body}");
    }

    // A mutation called with GET in a batch: tRPC's METHOD_NOT_SUPPORTED for that call.
    let (status, batch) = trpc(
        server
            .raw(
                Method::GET,
                "/trpc/v1.connect.deleteConversation,v1.connect.getConversation",
            )
            .query(&[("batch", "1"), ("input", r#"{"0":{},"1":{}}"#)]),
    )
    .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert_eq!(batch[0]["error"]["data"]["code"], "METHOD_NOT_SUPPORTED");
    assert_eq!(batch[1]["error"]["data"]["code"], "UNPROCESSABLE_CONTENT");

    // Several procedures without `batch=1`.
    let (status, body) = trpc(server.raw(
        Method::GET,
        "/trpc/v1.connect.getConversation,v1.connect.getConversation",
    ))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["data"]["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn delete_takes_connect360s_scope_name_and_the_lifecycle_rule() {
    let server = TestServer::start().await;
    let (status, key) = answer(
        server
            .raw(Method::POST, "/v1/api-keys")
            .json(&json!({
                "name": "integration",
                "scopes": ["conversations:read", "conversations:write", "connect360:conversation:delete"],
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(key["scopes"]
        .as_array()
        .unwrap()
        .contains(&json!("conversations:delete")));
    let secret = key["secret"].as_str().unwrap().to_owned();
    let call = |path: &str, input: Value, bearer: &str| {
        server
            .http
            .post(format!("{}/trpc/{path}", server.url))
            .bearer_auth(bearer)
            .json(&input)
    };
    // The admin's conversation: this key did not create it, so may not delete it.
    let (_, theirs) = trpc(mutation(
        &server,
        "v1.connect.getOrCreateConversation",
        &json!({"customer": {"externalId": "admin's"}}),
    ))
    .await;
    let theirs = theirs["result"]["data"]["id"].clone();
    let (status, body) = trpc(call(
        "v1.connect.deleteConversation",
        json!({"id": theirs}),
        &secret,
    ))
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (
            StatusCode::FORBIDDEN,
            ("FORBIDDEN", -32003, "lifecycle_not_owned")
        )
    );
    let (_, mine) = trpc(call(
        "v1.connect.getOrCreateConversation",
        json!({"customer": {"externalId": "mine"}}),
        &secret,
    ))
    .await;
    let mine = mine["result"]["data"]["id"].clone();
    let (status, _) = trpc(call(
        "v1.connect.deleteConversation",
        json!({"id": mine}),
        &secret,
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn every_procedure_of_a_batch_counts_for_the_rate_limit() {
    let server = TestServer::start_with(|s| {
        s.rate_limit = 1;
        s.rate_limit_burst = 10;
    })
    .await;
    let batch = |n: usize| {
        let paths = vec!["v1.connect.getConversation"; n].join(",");
        let input: serde_json::Map<String, Value> = (0..n)
            .map(|i| (i.to_string(), json!({"conversationId": "missing"})))
            .collect();
        server.raw(Method::GET, &format!("/trpc/{paths}")).query(&[
            ("batch", "1".to_owned()),
            ("input", Value::Object(input).to_string()),
        ])
    };
    // More procedures than a batch may hold.
    let (status, body) = trpc(batch(51)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Eleven procedures are eleven requests: more than the burst of ten.
    let (_, body) = trpc(batch(11)).await;
    let codes: Vec<&Value> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["error"]["data"]["code"])
        .collect();
    assert!(codes.iter().all(|c| *c == "TOO_MANY_REQUESTS"), "{body}");
    server.stop().await;
}
