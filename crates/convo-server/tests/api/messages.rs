//! Messages, search and video calls over HTTP.

use convo_client::Page;
use convo_types::CreateContact;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn messages_search_and_video_calls_over_http() {
    let server = TestServer::start_with(|s| {
        s.video_url_template = "https://video.example.com/r/{room}".into()
    })
    .await;
    let c = server.admin.conversations();
    let jane = server
        .admin
        .contacts()
        .create(&CreateContact {
            name: Some("Jane".into()),
            phone: Some("+1 470 329 8699".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let conversations: Vec<_> = conversations_with_messages(
        &server,
        &[
            ("vi", "Tôi muốn hoàn tiền cho hóa đơn này"),
            ("zh", "我想申請退款"),
            ("ar", "أريد استرداد المبلغ"),
            ("en", "Please send the refunds today"),
        ],
        Some(jane.id),
    )
    .await;
    for (q, expected) in [
        ("hoan tien", 0),
        ("退款", 1),
        ("استرداد", 2),
        ("refund", 3),
        ("14703298699", usize::MAX),
    ] {
        let found = c.search(q, None, Some(10), None).await.unwrap();
        let ids: Vec<_> = found.data.iter().map(|h| h.conversation.id).collect();
        if expected == usize::MAX {
            assert_eq!(ids.len(), 4, "{q}: every conversation of the contact");
        } else {
            assert_eq!(ids, vec![conversations[expected]], "{q}");
            assert!(
                found.data[0]
                    .search
                    .highlights
                    .iter()
                    .any(|h| h.snippet.contains("<mark>")),
                "{q}"
            );
        }
    }
    let (status, body) = answer(
        server
            .raw(
                reqwest::Method::GET,
                "/v1/conversations/search?q=hoan%20tien",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["data"][0]["search"]["score"].is_number());
    assert_eq!(
        body["data"][0]["object_name"], "conversation",
        "a hit is the conversation plus `search`"
    );
    let (status, _) = answer(
        server
            .raw(reqwest::Method::GET, "/v1/conversations/search?q=")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // external_id: the repeat answers the first message with 200.
    let path = format!("/v1/conversations/{}/messages", conversations[3]);
    let body =
        json!({"content": "from WhatsApp", "message_type": "incoming", "external_id": "wamid.1"});
    let (first, one) = answer(
        server
            .raw(reqwest::Method::POST, &path)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (again, two) = answer(
        server
            .raw(reqwest::Method::POST, &path)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((first, again), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(one["id"], two["id"]);
    let (status, body) = answer(
        server
            .raw(reqwest::Method::POST, &path)
            .json(&json!({"content": "x".repeat(20_001)}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("content"))
    );
    let listed = c
        .list_messages(
            conversations[3],
            &Page {
                page_num: Some(1),
                page_size: Some(10),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 2);
    let id = listed.data[1].id;
    let edited = server
        .admin
        .messages()
        .update(
            id,
            &convo_types::UpdateMessage {
                content: Some("edited".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.content, "edited");
    server.admin.messages().delete(id).await.unwrap();
    assert_eq!(
        server.admin.messages().get(id).await.unwrap_err().status(),
        Some(404)
    );

    let started = c.init_video_call(conversations[0]).await.unwrap();
    assert!(started
        .video_call
        .join_url
        .starts_with("https://video.example.com/r/"));
    assert_eq!(
        started.conversation.last_message.unwrap().message_type,
        convo_types::MessageType::Activity
    );
    server.stop().await;
}
