//! Webhook delivery survives `kill -9`: a receiver that fails at first, the server killed
//! mid-way and started again on the same database, and every event still delivered at least
//! once, in order per conversation.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const ADMIN_KEY: &str = "convo_sk_webhook_test_admin_key";
const BIN: &str = env!("CARGO_BIN_EXE_convo");

/// A bare HTTP receiver: `500` to the first `fail_first` requests, then `200`; keeps bodies.
fn receiver(fail_first: usize) -> (String, Arc<Mutex<Vec<Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies: Arc<Mutex<Vec<Value>>> = Arc::default();
    let kept = bodies.clone();
    std::thread::spawn(move || {
        let mut calls = 0;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            calls += 1;
            let status = if calls <= fail_first {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            if calls > fail_first {
                if let Ok(event) = serde_json::from_slice(&body) {
                    kept.lock().unwrap().push(event);
                }
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (url, bodies)
}

fn serve(dir: &Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .current_dir(dir)
        .env("CONVO_ADMIN_KEY", ADMIN_KEY)
        .env("CONVO_WEBHOOK_ALLOW_PRIVATE", "true")
        .env("CONVO_WEBHOOK_RETRY_BASE_MS", "100")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the server exited").unwrap();
        if let Some(address) = serde_json::from_str::<Value>(&line)
            .ok()
            .and_then(|log| log["address"].as_str().map(str::to_owned))
        {
            break address;
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    (child, format!("http://{address}"))
}

fn cli(url: &str, args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .arg("--json")
        .args(args)
        .env("CONVO_URL", url)
        .env("CONVO_API_KEY", ADMIN_KEY)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

#[test]
fn deliveries_survive_kill_9_and_keep_order_per_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let (hook_url, received) = receiver(5);
    let (mut first, url) = serve(dir.path());
    cli(&url, &["webhooks", "create", "--endpoint", &hook_url]);
    let mut conversations = Vec::new();
    for i in 0..3 {
        let made = cli(
            &url,
            &["conversations", "create", "--name", &format!("c{i}")],
        );
        conversations.push(made["id"].as_str().unwrap().to_owned());
    }
    for round in 0..3 {
        for id in &conversations {
            cli(&url, &["messages", "send", id, &format!("message {round}")]);
        }
    }
    // No mercy: SIGKILL, mid-delivery (the receiver is still failing its first requests).
    first.kill().unwrap();
    first.wait().unwrap();
    let (mut second, url) = serve(dir.path());
    let events = cli(&url, &["events", "list", "--limit", "100"]);
    let expected: HashSet<i64> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(expected.len(), 12, "3 conversations and 9 messages");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let delivered: HashSet<i64> = received
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| e["id"].as_i64())
            .collect();
        if expected.is_subset(&delivered) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "undelivered: {:?}",
            expected.difference(&delivered).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    second.kill().unwrap();
    second.wait().unwrap();
    // In order per conversation: the first delivery of each event comes after its elders'.
    let mut first_seen: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for event in received.lock().unwrap().iter() {
        let id = event["id"].as_i64().unwrap();
        if seen.insert(id) {
            first_seen
                .entry(
                    event["conversation_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
                .or_default()
                .push(id);
        }
    }
    for (conversation, ids) in first_seen {
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "{conversation}: {ids:?} out of order"
        );
    }
}
