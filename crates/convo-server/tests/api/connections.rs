//! The connection layer, over raw TCP to the server itself: slow or idle clients are cut off,
//! a body that stops arriving is `408`, and open connections are capped.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::*;

/// Whether the server closes the connection within `within` (reads until end of stream).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 4096];
    let read_to_end = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(within, read_to_end).await.is_ok()
}

/// `GET /healthz` on a fresh connection answers (a liveness check for the others).
async fn healthy(server: &TestServer) -> bool {
    let request = server
        .http
        .get(format!("http://{}/healthz", server.address))
        .send();
    matches!(
        tokio::time::timeout(Duration::from_secs(5), request).await,
        Ok(Ok(response)) if response.status() == 200
    )
}

#[tokio::test]
async fn slow_headers_and_idle_keep_alive_are_cut_off() {
    let server = TestServer::start_with(|s| s.header_timeout_ms = 300).await;
    let mut slow = TcpStream::connect(server.address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(healthy(&server).await, "others are served meanwhile");
    assert!(
        closed_within(&mut slow, Duration::from_secs(5)).await,
        "headers too slow"
    );

    let mut idle = TcpStream::connect(server.address).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 1024];
    let n = idle.read(&mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));
    assert!(
        closed_within(&mut idle, Duration::from_secs(5)).await,
        "idle keep-alive closed"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_body_shorter_than_its_length_answers_408() {
    let server = TestServer::start_with(|s| s.body_timeout_ms = 300).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let head = format!(
        "POST /v1/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "answered and closed");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        text.contains("application/problem+json") && text.contains("request_timeout"),
        "{text}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_body_that_trickles_past_its_deadline_answers_408() {
    let server = TestServer::start_with(|s| s.body_deadline_ms = 600).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let head = format!(
        "POST /v1/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // A byte every 100 ms: never a long pause, but the whole body takes ten seconds.
    let trickle = async {
        for _ in 0..100 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), trickle).await;
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered")
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
    server.stop().await;
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_a_free_one() {
    let server = TestServer::start_with(|s| s.max_connections = 2).await;
    // Two idle connections (or one and the checking proxy's keep-alive one) fill the cap.
    let mut idle = Vec::new();
    for _ in 0..2 {
        idle.push(TcpStream::connect(server.address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let waiting = tokio::spawn({
        let http = reqwest::Client::new();
        let url = format!("http://{}/healthz", server.address);
        async move { http.get(url).send().await.map(|r| r.status().as_u16()) }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "two connections are open: the third waits"
    );
    drop(idle);
    let answered = tokio::time::timeout(Duration::from_secs(5), waiting).await;
    assert!(matches!(answered, Ok(Ok(Ok(200)))), "{answered:?}");
    server.stop().await;
}

#[tokio::test]
async fn silent_connections_at_the_cap_are_closed_and_others_served() {
    let server = TestServer::start_with(|s| {
        s.max_connections = 3;
        s.header_timeout_ms = 300;
    })
    .await;
    // Connections that never send a byte fill every slot.
    let mut silent = Vec::new();
    for _ in 0..3 {
        silent.push(TcpStream::connect(server.address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // They are closed after the header timeout, so a normal client is served.
    assert!(
        healthy(&server).await,
        "served once the silent ones are cut"
    );
    for stream in &mut silent {
        assert!(closed_within(stream, Duration::from_secs(5)).await);
    }
    server.stop().await;
}

#[tokio::test]
async fn a_flood_of_idle_connections_leaves_others_served() {
    let server = TestServer::start().await;
    let mut flood = Vec::new();
    for _ in 0..200 {
        flood.push(TcpStream::connect(server.address).await.unwrap());
    }
    for _ in 0..20 {
        assert!(healthy(&server).await);
    }
    drop(flood);
    server.stop().await;
}

#[tokio::test]
async fn an_endless_head_is_refused_without_reading_it_all() {
    let server = TestServer::start().await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Endless: ")
        .await
        .unwrap();
    // 390 KB of one header that never ends: refused once the read buffer (64 KiB) is full.
    let chunk = vec![b'a'; 1024];
    let mut answer = Vec::new();
    for _ in 0..390 {
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
    }
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the server ends the connection");
    let text = String::from_utf8_lossy(&answer);
    match read {
        Ok(_) => assert!(text.starts_with("HTTP/1.1 431"), "{text}"),
        // Closed with our bytes unread: the kernel resets, and the 431 may be lost with it.
        Err(error) => assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset),
    }
    assert!(healthy(&server).await);
    server.stop().await;
}

#[tokio::test]
async fn oversized_heads_answer_problem_json() {
    let server = TestServer::start().await;
    let base = format!("http://{}", server.address);
    let long = server
        .http
        .get(format!("{base}/v1/contacts?q={}", "a".repeat(9 * 1024)))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(long.status(), 414);
    assert_eq!(long.headers()["content-type"], "application/problem+json");
    let mut request = server
        .http
        .get(format!("{base}/v1/contacts"))
        .bearer_auth(ADMIN_KEY);
    for i in 0..40 {
        request = request.header(format!("x-filler-{i}"), "b".repeat(1024));
    }
    let (status, body) = answer(request.send().await.unwrap()).await;
    assert_eq!((status.as_u16(), body["status"].as_u64()), (431, Some(431)));
    server.stop().await;
}
