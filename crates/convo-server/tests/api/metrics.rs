//! `/metrics`: the Prometheus text exposition of what the node is doing.

use reqwest::Method;

use crate::common::*;

async fn scrape(server: &TestServer) -> String {
    let response = server
        .http
        .get(format!("http://{}/metrics", server.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    response.text().await.unwrap()
}

/// The value of the sample whose line starts with `series`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_refusals_streams_and_the_store() {
    let server = TestServer::start_with(|s| {
        s.rate_limit = 1;
        s.rate_limit_burst = 4;
    })
    .await;
    let stream = server
        .http
        .get(format!("http://{}/v1/events/stream", server.address))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    for _ in 0..5 {
        server
            .raw(Method::GET, "/v1/contacts")
            .send()
            .await
            .unwrap();
    }
    let text = scrape(&server).await;
    let ok = sample(
        &text,
        "convo_http_requests_total{method=\"GET\",route=\"/v1/contacts\",status=\"200\"}",
    );
    assert_eq!(ok, Some(3.0), "{text}");
    let refused = sample(
        &text,
        "convo_http_requests_total{method=\"GET\",route=\"/v1/contacts\",status=\"429\"}",
    );
    assert_eq!(refused, Some(2.0));
    assert_eq!(sample(&text, "convo_rate_limited_total"), Some(2.0));
    assert!(text.contains("convo_http_request_duration_seconds_bucket{"));
    assert!(sample(
        &text,
        "convo_db_connections{pool=\"writer\",state=\"open\"}"
    )
    .is_some());
    assert_eq!(sample(&text, "convo_webhook_backlog"), Some(0.0));
    assert_eq!(sample(&text, "convo_stream_followers"), Some(1.0));
    drop(stream);
    assert!(text.contains("convo_message_groups_total"));
    server.stop().await;
}

#[tokio::test]
async fn metrics_can_be_served_on_an_address_of_their_own() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let apart = free.local_addr().unwrap();
    drop(free);
    let server = TestServer::start_with(|s| s.metrics_listen = Some(apart)).await;
    let on_main = server
        .http
        .get(format!("http://{}/metrics", server.address))
        .send()
        .await
        .unwrap();
    assert_eq!(on_main.status(), 404, "not on the main address");
    let text = server
        .http
        .get(format!("http://{apart}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("convo_http_requests_total"), "{text}");
    server.stop().await;
}
