//! What the Rust SDK adds over plain HTTP: typed calls of the other products' APIs, one
//! Idempotency-Key across the retries of a creating POST, and a live stream that reopens
//! after a drop. Faults come from a TCP proxy that cuts chosen connections.

use convo_client::{BatchCall, Client, StreamFilters, VoipbinPaging};
use convo_types::compat::connect360::{
    Connect360ConversationInput, Connect360CustomerInput, Connect360ListInput,
    Connect360SubConversationInput, Connect360UpdateInput,
};
use convo_types::compat::voipbin::{VoipbinCreateInput, VoipbinMessageInput, VoipbinUpdateInput};
use convo_types::{CreateChannel, CreateConversation, CreateMessage, MessageType};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::*;

/// How the proxy treats its first connection (the later ones pass through).
#[derive(Clone, Copy)]
enum Cut {
    /// Forward the request, let the server answer, and close without passing the answer on.
    LoseTheAnswer,
    /// Pass the answer on until its first server-sent event, then close.
    AfterFirstEvent,
}

/// A proxy to `target` (`http://host:port`); answers its own URL.
async fn cutting_proxy(target: &str, cut: Cut) -> String {
    let target = target.trim_start_matches("http://").to_owned();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut client, _)) = listener.accept().await {
            let Ok(mut server) = TcpStream::connect(&target).await else {
                return;
            };
            let cut = std::mem::take(&mut first).then_some(cut);
            tokio::spawn(async move {
                match cut {
                    None => {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                    Some(Cut::LoseTheAnswer) => {
                        let request = read_request(&mut client).await;
                        server.write_all(&request).await.unwrap();
                        let mut answer = [0u8; 1024];
                        let _ = server.read(&mut answer).await; // the server has answered
                    }
                    Some(Cut::AfterFirstEvent) => {
                        let (mut from_client, mut to_client) = client.into_split();
                        let (mut from_server, mut to_server) = server.into_split();
                        tokio::spawn(async move {
                            let _ = tokio::io::copy(&mut from_client, &mut to_server).await;
                        });
                        let mut chunk = vec![0u8; 16 * 1024];
                        while let Ok(n) = from_server.read(&mut chunk).await {
                            if n == 0 || to_client.write_all(&chunk[..n]).await.is_err() {
                                break;
                            }
                            if String::from_utf8_lossy(&chunk[..n]).contains("data:") {
                                break; // dropped after the first event
                            }
                        }
                    }
                }
            });
        }
    });
    url
}

/// One whole HTTP/1.1 request: its headers and `Content-Length` bytes of body.
async fn read_request(client: &mut TcpStream) -> Vec<u8> {
    let mut request = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = client.read(&mut chunk).await.unwrap();
        request.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&request).to_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                return request;
            }
        }
        assert!(n > 0, "the client closed mid-request");
    }
}

#[tokio::test]
async fn a_lost_answer_is_retried_with_the_same_key_and_creates_once() {
    let server = TestServer::start().await;
    let flaky = Client::new(
        cutting_proxy(&server.url, Cut::LoseTheAnswer).await,
        ADMIN_KEY,
    )
    .unwrap();
    let name = "created exactly once";
    let created = flaky
        .conversations()
        .create(&CreateConversation {
            name: Some(name.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let found = server
        .admin
        .conversations()
        .search(name, None, None, None)
        .await
        .unwrap();
    assert_eq!(
        found
            .data
            .iter()
            .map(|hit| hit.conversation.id)
            .collect::<Vec<_>>(),
        vec![created.id],
        "the retry was answered with the first creation"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_live_stream_reopens_after_a_drop_without_loss_or_repeat() {
    let server = TestServer::start().await;
    let c = server
        .admin
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap();
    let dropping = Client::new(
        cutting_proxy(&server.url, Cut::AfterFirstEvent).await,
        ADMIN_KEY,
    )
    .unwrap();
    let filters = StreamFilters {
        conversation_id: Some(c.id),
        ..Default::default()
    };
    let mut stream = dropping.events().stream(&filters, None).await.unwrap();
    for text in ["one", "two", "three"] {
        let message = CreateMessage {
            content: text.into(),
            message_type: Some(MessageType::Outgoing),
            ..Default::default()
        };
        server
            .admin
            .conversations()
            .create_message(c.id, &message)
            .await
            .unwrap();
    }
    let mut ids = Vec::new();
    for _ in 0..3 {
        let event = next_event(&mut stream).await;
        assert_eq!(event.event_type.as_str(), "message.created");
        ids.push(event.id);
    }
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "in order, once: {ids:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn connect360_procedures_typed() {
    let server = TestServer::start().await;
    let connect = server.admin.connect();
    server
        .admin
        .channels()
        .create(
            &serde_json::from_value::<CreateChannel>(
                json!({"type": "web", "identifier": "example.com"}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let conversation = connect
        .get_or_create_conversation(&Connect360ConversationInput {
            customer: Some(Connect360CustomerInput {
                external_id: Some("website_user_123".into()),
                name: Some("Jane Customer".into()),
                ..Default::default()
            }),
            channel_identifier: Some("example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let thread = connect
        .create_sub_conversation(&Connect360SubConversationInput {
            parent_id: conversation.id,
            conversation: Connect360ConversationInput {
                name: Some("Order #1042".into()),
                customer_id: conversation.customer_id,
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(thread.parent_id, Some(conversation.id));
    let renamed = connect
        .update_conversation(&Connect360UpdateInput {
            id: conversation.id,
            name: Some("VIP".into()),
            metadata: None,
            parent_id: None,
        })
        .await
        .unwrap();
    assert_eq!(renamed.name, "VIP");
    let page = connect
        .list_sub_conversations(&Connect360ListInput {
            parent_id: conversation.id,
            limit: Some(30),
            cursor: None,
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_cursor, None);
    assert_eq!(
        connect.get_conversation(thread.id).await.unwrap().name,
        "Order #1042"
    );
    let outcomes = connect
        .batch_query(&[
            BatchCall {
                procedure: "v1.connect.getConversation".into(),
                input: json!({ "id": thread.id }),
            },
            BatchCall {
                procedure: "v1.connect.getConversation".into(),
                input: json!({ "id": uuid::Uuid::nil() }),
            },
        ])
        .await
        .unwrap();
    assert_eq!(outcomes[0].as_ref().unwrap()["name"], "Order #1042");
    let missing = outcomes[1].as_ref().unwrap_err();
    assert_eq!(missing.status(), Some(404));
    let renamed = connect
        .batch_mutation(&[BatchCall {
            procedure: "v1.connect.updateConversation".into(),
            input: json!({ "id": thread.id, "name": "batched" }),
        }])
        .await
        .unwrap();
    assert_eq!(renamed[0].as_ref().unwrap()["name"], "batched");
    assert!(
        connect
            .delete_conversation(thread.id)
            .await
            .unwrap()
            .deleted
    );
    let gone = connect.get_conversation(thread.id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    assert_eq!(server.admin.health().await.unwrap().status, "ok");
    assert_eq!(server.admin.readiness().await.unwrap().status, "ready");
    server.stop().await;
}

#[tokio::test]
async fn voipbin_resource_typed() {
    let server = TestServer::start().await;
    let voipbin = server.admin.voipbin();
    let created = voipbin
        .create(&VoipbinCreateInput {
            name: Some("call".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let updated = voipbin
        .update(
            created.id,
            &VoipbinUpdateInput {
                name: Some("call 2".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.name, "call 2");
    assert_eq!(voipbin.get(created.id).await.unwrap().name, "call 2");
    let sent = voipbin
        .create_message(
            created.id,
            &VoipbinMessageInput {
                text: Some("hi".into()),
                medias: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(sent.text, "hi");
    let messages = voipbin
        .list_messages(created.id, &VoipbinPaging::default())
        .await
        .unwrap();
    assert_eq!(messages.result.len(), 1);
    let page = voipbin
        .list(&VoipbinPaging {
            page_size: Some(10),
            page_token: None,
        })
        .await
        .unwrap();
    assert!(page.result.iter().any(|c| c.id == created.id));
    let deleted = voipbin.delete(created.id).await.unwrap();
    assert_ne!(deleted.tm_delete, "9999-01-01 00:00:00.000000");
    server.stop().await;
}
