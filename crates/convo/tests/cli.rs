//! The `convo` binary end to end: `convo serve` on a free port, then the client commands
//! against it, checking what they print and how they exit.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const ADMIN_KEY: &str = "convo_sk_cli_test_admin_key";
const BIN: &str = env!("CARGO_BIN_EXE_convo");

struct Server {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .current_dir(dir.path())
            .env("CONVO_ADMIN_KEY", ADMIN_KEY)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The server logs where it listens; read its log until then.
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("the server exited").unwrap();
            if let Ok(log) = serde_json::from_str::<Value>(&line) {
                if let Some(address) = log["address"].as_str() {
                    break address.to_owned();
                }
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            url: format!("http://{address}"),
            _dir: dir,
        }
    }

    fn run(&self, key: &str, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .env("CONVO_URL", &self.url)
            .env("CONVO_API_KEY", key)
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(ADMIN_KEY, &all);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn text(&self, args: &[&str]) -> String {
        let out = self.run(ADMIN_KEY, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn help_lists_every_command() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for command in [
        "serve",
        "migrate",
        "conversations",
        "messages",
        "attachments",
        "contacts",
        "channels",
        "labels",
        "users",
        "business-units",
        "api-keys",
        "organizations",
        "events",
    ] {
        assert!(help.contains(command), "{command} in --help");
    }
    let out = Command::new(BIN)
        .args(["conversations", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for command in [
        "list",
        "get",
        "search",
        "create",
        "update",
        "status",
        "delete",
        "join",
        "leave",
        "assign",
        "unassign",
        "invitable",
        "views",
        "video-call",
        "get-or-create",
        "sub",
        "handoff",
        "accept",
        "label",
        "unlabel",
    ] {
        assert!(help.contains(command), "conversations {command} in --help");
    }
}

#[test]
fn labels_priority_and_handoffs_from_the_command_line() {
    let server = Server::start();
    let label = server.json(&[
        "labels", "create", "--name", "Billing", "--color", "#e11d48",
    ]);
    assert_eq!(label["color"], "#e11d48");
    let urgent = server.json(&["conversations", "create", "--priority", "urgent"]);
    let low = server.json(&["conversations", "create", "--priority", "low"]);
    let id = urgent["id"].as_str().unwrap();
    let labeled = server.json(&["conversations", "label", id, "billing"]);
    assert_eq!(labeled["labels"][0], "Billing");
    let listed = server.json(&["conversations", "list", "--order", "priority"]);
    assert_eq!(listed["data"][0]["id"], urgent["id"]);
    assert_eq!(listed["data"][1]["id"], low["id"]);
    let filtered = server.json(&["conversations", "list", "--labels", "BILLING"]);
    assert_eq!(filtered["data"].as_array().unwrap().len(), 1);
    let pending = server.json(&[
        "conversations",
        "handoff",
        id,
        "--to",
        "human",
        "--reason",
        "refund",
    ]);
    assert_eq!(pending["handoff"]["reason"], "refund");
    let counted = server.json(&["conversations", "views", "--handoff-pending", "true"]);
    assert_eq!(counted["all"], 1);
    let taken = server.json(&["conversations", "accept", id]);
    assert_eq!(taken["control"]["type"], "human");
    let table = server.text(&["conversations", "list", "--control", "human"]);
    assert!(table.contains(id) && table.contains("urgent"), "{table}");
    let unlabeled = server.json(&["conversations", "unlabel", id, "Billing"]);
    assert_eq!(unlabeled["labels"].as_array().unwrap().len(), 0);
    let labels = server.text(&["labels", "list"]);
    assert!(labels.contains("Billing"), "{labels}");
}

#[test]
fn receipts_reads_and_merges_from_the_command_line() {
    let server = Server::start();
    let made = server.json(&["conversations", "create"]);
    let id = made["id"].as_str().unwrap();
    server.json(&["messages", "send", id, "hello?", "--type", "incoming"]);
    let waiting = server.json(&["conversations", "list", "--order", "waiting_since"]);
    assert_eq!(waiting["data"][0]["id"], made["id"]);
    let unread = server.json(&["conversations", "list", "--unread"]);
    assert_eq!(unread["data"][0]["unread_count"], 1);
    let read = server.json(&["conversations", "read", id]);
    assert_eq!(read["unread_count"], 0);
    let sent = server.json(&["messages", "send", id, "on it"]);
    let message = sent["id"].as_str().unwrap();
    let failed = server.json(&[
        "messages",
        "status",
        message,
        "failed",
        "--error",
        "blocked",
        "--error-code",
        "21610",
    ]);
    assert_eq!(failed["error"]["code"], "21610");
    let listed = server.json(&["messages", "list", id, "--status", "failed"]);
    assert_eq!(listed["data"][0]["id"], sent["id"]);
    let sms = server.json(&["contacts", "create", "--phone", "+84 90 111 2222"]);
    let email = server.json(&[
        "contacts",
        "create",
        "--name",
        "Lê Hoa",
        "--email",
        "hoa@example.com",
    ]);
    let found = server.json(&["contacts", "list", "--q", "le HOA"]);
    assert_eq!(found["data"][0]["id"], email["id"]);
    let merged = server.json(&[
        "contacts",
        "merge",
        sms["id"].as_str().unwrap(),
        "--from",
        email["id"].as_str().unwrap(),
    ]);
    assert_eq!(merged["name"], "Lê Hoa");
    let found = server.json(&["contacts", "list", "--q", "+84 90 111"]);
    assert_eq!(found["data"][0]["id"], sms["id"]);
}

#[test]
fn a_support_flow_from_the_command_line() {
    let server = Server::start();
    let channel = server.json(&[
        "channels",
        "create",
        "--type",
        "web",
        "--identifier",
        "example.com",
    ]);
    assert_eq!(channel["identifier"], "example.com");
    let made = server.json(&[
        "conversations",
        "get-or-create",
        "--external-id",
        "website_user_123",
        "--customer-name",
        "Jane",
        "--channel-identifier",
        "example.com",
    ]);
    let id = made["id"].as_str().unwrap().to_owned();
    let again = server.json(&[
        "conversations",
        "get-or-create",
        "--external-id",
        "website_user_123",
    ]);
    assert_eq!(again["id"], made["id"]);
    server.json(&[
        "messages",
        "send",
        &id,
        "Tôi muốn hoàn tiền",
        "--type",
        "incoming",
    ]);
    let found = server.json(&["conversations", "search", "hoan tien"]);
    assert_eq!(found["data"][0]["id"], made["id"]);
    let resolved = server.json(&["conversations", "status", &id, "resolved"]);
    assert_eq!(resolved["status"], "resolved");
    let views = server.json(&["conversations", "views"]);
    assert_eq!(views["by_status"]["resolved"], 1);
    let table = server.text(&["conversations", "list", "--status", "resolved"]);
    assert!(
        table.starts_with("ID") && table.contains(&id) && table.contains("resolved"),
        "{table}"
    );
    let public_id = made["public_id"].as_str().unwrap();
    let shown = server.text(&["conversations", "get", public_id, "--public-id"]);
    assert!(shown.contains(&id));
    let sub = server.json(&[
        "conversations",
        "sub",
        "create",
        &id,
        "--name",
        "Order #1042",
    ]);
    assert_eq!(sub["parent_id"], made["id"]);
    let subs = server.json(&["conversations", "sub", "list", &id]);
    assert_eq!(subs["data"].as_array().unwrap().len(), 1);
    let call = server.json(&["conversations", "video-call", &id]);
    assert!(call["join_url"]
        .as_str()
        .unwrap()
        .contains(call["room"].as_str().unwrap()));
    let events = server.json(&["conversations", "events", &id]);
    assert!(events["data"].as_array().unwrap().len() >= 4);
}

#[test]
fn all_pages_and_team_commands() {
    let server = Server::start();
    for i in 0..7 {
        server.json(&["conversations", "create", "--name", &format!("c{i}")]);
    }
    let first = server.json(&["conversations", "list", "--limit", "3"]);
    assert_eq!(first["data"].as_array().unwrap().len(), 3);
    assert!(first["next_cursor"].is_string());
    let all = server.json(&["conversations", "list", "--limit", "3", "--all"]);
    assert_eq!(all["data"].as_array().unwrap().len(), 7);
    let user = server.json(&["users", "create", "--name", "Nguyễn Lan"]);
    let user_id = user["id"].as_str().unwrap();
    let id = all["data"][0]["id"].as_str().unwrap();
    let invitable = server.json(&["conversations", "invitable", id, "--q", "nguyen"]);
    assert_eq!(invitable["data"][0]["id"], user["id"]);
    let assigned = server.json(&["conversations", "assign", id, user_id]);
    assert_eq!(assigned["users"].as_array().unwrap().len(), 1);
    let joined = server.json(&["conversations", "join", id]);
    assert_eq!(joined["users"].as_array().unwrap().len(), 2);
    server.json(&["conversations", "unassign", id, user_id]);
    let left = server.json(&["conversations", "leave", id]);
    assert!(left["users"].as_array().unwrap().is_empty());
}

#[test]
fn errors_are_explained_with_distinct_exit_codes() {
    let server = Server::start();
    let missing = server.run(
        ADMIN_KEY,
        &[
            "conversations",
            "get",
            "01a1fbd8-0000-7000-8000-000000000000",
        ],
    );
    assert_eq!(missing.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not found"));
    let key = server.json(&[
        "api-keys",
        "create",
        "--name",
        "reader",
        "--scope",
        "conversations:read",
    ]);
    let secret = key["secret"].as_str().unwrap();
    let denied = server.run(secret, &["conversations", "create", "--name", "x"]);
    assert_eq!(denied.status.code(), Some(4));
    let said = String::from_utf8_lossy(&denied.stderr);
    assert!(
        said.contains("conversations:write"),
        "the missing scope is named: {said}"
    );
    let invalid = server.run(
        ADMIN_KEY,
        &["contacts", "create", "--email", "not-an-email"],
    );
    assert_eq!(invalid.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&invalid.stderr).contains("email"));
    let unknown_key = server.run("convo_sk_nope", &["conversations", "list"]);
    assert_eq!(unknown_key.status.code(), Some(4));
    let nobody = Command::new(BIN)
        .args(["conversations", "list"])
        .env("CONVO_URL", "http://127.0.0.1:9")
        .env("CONVO_API_KEY", "k")
        .output()
        .unwrap();
    assert_eq!(nobody.status.code(), Some(6), "an unreachable server");
    let usage = Command::new(BIN)
        .args(["conversations", "status", "x", "bogus"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2), "a usage error");
}

#[test]
fn events_tail_follows_live() {
    let server = Server::start();
    let mut tail = Command::new(BIN)
        .args([
            "--json",
            "events",
            "tail",
            "--types",
            "conversation.created",
        ])
        .env("CONVO_URL", &server.url)
        .env("CONVO_API_KEY", ADMIN_KEY)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(tail.stdout.take().unwrap()).lines();
    // The tail starts from now: the first conversation may come before it is listening, the
    // second (made later) after; either is the first line it prints.
    let made = server.json(&["conversations", "create", "--name", "tailed"]);
    std::thread::sleep(std::time::Duration::from_millis(200));
    server.json(&["conversations", "create", "--name", "tailed again"]);
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["type"], "conversation.created");
    assert!(first["conversation_id"] == made["id"] || first["data"]["name"] == "tailed again");
    let _ = tail.kill();
    let _ = tail.wait();
}

#[test]
fn files_upload_and_go_with_messages_from_the_command_line() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let invoice = dir.path().join("invoice.pdf");
    std::fs::write(&invoice, b"%PDF-1.4\n%%EOF\n").unwrap();
    let path = invoice.to_str().unwrap();
    let uploaded = server.json(&["attachments", "upload", path]);
    assert_eq!(uploaded["filename"], "invoice.pdf");
    assert_eq!(uploaded["content_type"], "application/pdf");
    let made = server.json(&["conversations", "create"]);
    let id = made["id"].as_str().unwrap();
    let sent = server.json(&["messages", "send", id, "your invoice", "--attach", path]);
    assert_eq!(sent["attachments"][0]["name"], "invoice.pdf");
    assert!(sent["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .contains("signature="));
    let copy = dir.path().join("copy.pdf");
    let attachment = sent["attachments"][0]["id"].as_str().unwrap();
    server.json(&[
        "attachments",
        "download",
        attachment,
        "--output",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(copy).unwrap(), b"%PDF-1.4\n%%EOF\n");
}

#[test]
fn a_team_works_together_from_the_command_line() {
    let server = Server::start();
    let canned = server.json(&[
        "canned",
        "create",
        "--short-code",
        "/hi",
        "--title",
        "Greeting",
        "--content",
        "Hello from {{agent.name}} about {{conversation.id}}",
    ]);
    assert_eq!(canned["short_code"], "hi");
    let made = server.json(&["conversations", "create"]);
    let id = made["id"].as_str().unwrap();
    let found = server.json(&["canned", "list", "--q", "/h"]);
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    let rendered = server.json(&[
        "canned",
        "render",
        canned["id"].as_str().unwrap(),
        "--conversation",
        id,
    ]);
    assert!(rendered["content"].as_str().unwrap().ends_with(id));

    let view = server.json(&[
        "views",
        "create",
        "--name",
        "Urgent",
        "--filters",
        r#"{"priority": "urgent"}"#,
        "--shared",
    ]);
    let view_id = view["id"].as_str().unwrap();
    let bulk = server.json(&["conversations", "bulk", "--ids", id, "--priority", "urgent"]);
    assert_eq!(bulk["data"][0]["status"], 200);
    let table = server.text(&["conversations", "bulk", "--ids", id, "--status", "resolved"]);
    assert!(
        table.contains("200") && table.contains("resolved"),
        "{table}"
    );
    let counted = server.json(&["conversations", "views", "--saved", view_id]);
    assert_eq!(counted["views"][view_id], 1);
    let listed = server.json(&["conversations", "list", "--view-id", view_id]);
    assert_eq!(listed["data"][0]["id"], id);

    let settings = server.json(&["notifications", "settings", "--message-in-assigned", "true"]);
    assert_eq!(settings["message_in_assigned"], true);
    let none = server.json(&["notifications", "list", "--unread"]);
    assert!(none["data"].as_array().unwrap().is_empty());
    let read = server.json(&["notifications", "read", "--all"]);
    assert_eq!(read["unread"], 0);
}
