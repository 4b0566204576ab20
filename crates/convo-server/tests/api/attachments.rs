//! Stored files over HTTP: a customer's photo and an agent's PDF go through upload →
//! message → list → download → thumbnail, on both backends and both storages; every bad case
//! gets its clear answer with nothing left behind.

use std::path::Path;

use reqwest::header;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::*;
use crate::tools::S3Store;

/// A photo: a gradient, so the thumbnail has something to keep.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'%', 5000));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

async fn upload_raw(
    server: &TestServer,
    bytes: Vec<u8>,
    declared: &str,
    name: &str,
) -> reqwest::Response {
    server
        .raw(
            reqwest::Method::POST,
            &format!("/v1/attachments?filename={name}"),
        )
        .header(header::CONTENT_TYPE, declared)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn json_of(response: reqwest::Response, expected: StatusCode) -> Value {
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, expected, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn get_json(server: &TestServer, path: &str) -> Value {
    let response = server.raw(reqwest::Method::GET, path).send().await.unwrap();
    json_of(response, StatusCode::OK).await
}

async fn post_json(server: &TestServer, path: &str, body: &Value, expected: StatusCode) -> Value {
    let response = server
        .raw(reqwest::Method::POST, path)
        .json(body)
        .send()
        .await
        .unwrap();
    json_of(response, expected).await
}

/// A signed link, fetched as a browser would: no header at all.
async fn fetch(url: &str) -> reqwest::Response {
    reqwest::get(url).await.unwrap()
}

/// The files of a storage folder, temporary ones included.
fn files_in(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            } else {
                found.push(entry.path());
            }
        }
    }
    found
}

/// The whole round trip, as a new user would make it.
async fn photo_and_pdf_round_trip(server: &TestServer) {
    // Larger than the JSON body limit, through the Rust SDK (which sends an
    // `Idempotency-Key` with every POST): uploads stream past both.
    let dir = tempfile::tempdir().unwrap();
    let large = dir.path().join("recording.bin");
    std::fs::write(&large, vec![42u8; 1536 * 1024]).unwrap();
    let stored = server
        .admin
        .attachments()
        .upload_path(&large)
        .await
        .unwrap();
    assert_eq!(
        (stored.filename.as_str(), stored.size),
        ("recording.bin", 1536 * 1024)
    );
    assert_eq!(
        server
            .admin
            .attachments()
            .content(stored.id, false)
            .await
            .unwrap()
            .len(),
        1536 * 1024
    );

    let png = photo(800, 600);
    // The declared type is wrong: the bytes decide.
    let stored = json_of(
        upload_raw(server, png.clone(), "text/html", "parcel.png").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(stored["object_name"], "attachment");
    assert_eq!(stored["content_type"], "image/png");
    assert_eq!(stored["filename"], "parcel.png");
    assert_eq!(stored["size"], png.len());
    assert_eq!(
        (stored["width"].as_i64(), stored["height"].as_i64()),
        (Some(800), Some(600))
    );
    assert_eq!(stored["unused"], true);
    let id = stored["id"].as_str().unwrap().to_owned();

    // The agent's PDF, as a form.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(pdf())
            .file_name("hóa đơn.pdf")
            .mime_str("application/octet-stream")
            .unwrap(),
    );
    let invoice = server
        .raw(reqwest::Method::POST, "/v1/attachments")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let invoice = json_of(invoice, StatusCode::CREATED).await;
    assert_eq!(invoice["content_type"], "application/pdf");
    assert_eq!(invoice["filename"], "hóa đơn.pdf");
    assert!(invoice.get("thumbnail_url").is_none());

    // Both go with messages: the customer's photo, the agent's reply with the invoice.
    let conversation =
        post_json(server, "/v1/conversations", &json!({}), StatusCode::CREATED).await;
    let cid = conversation["id"].as_str().unwrap();
    let incoming = post_json(server, &format!("/v1/conversations/{cid}/messages"), &json!({"message_type": "incoming", "content": "it arrived broken", "attachments": [{"id": id}]}), StatusCode::CREATED).await;
    let attachment = &incoming["attachments"][0];
    assert_eq!(attachment["id"], id.as_str());
    assert_eq!(attachment["name"], "parcel.png");
    assert_eq!(attachment["mime_type"], "image/png");
    assert_eq!(attachment["size"], png.len());
    post_json(
        server,
        &format!("/v1/conversations/{cid}/messages"),
        &json!({"content": "your refund", "attachments": [{"id": invoice["id"]}]}),
        StatusCode::CREATED,
    )
    .await;

    // The list carries fresh links; a browser follows them without a key.
    let list = get_json(server, &format!("/v1/conversations/{cid}/messages")).await;
    let photo_link = list["data"][0]["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let thumbnail_link = list["data"][0]["attachments"][0]["thumbnail_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf_link = list["data"][1]["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(list["data"][1]["attachments"][0]
        .get("thumbnail_url")
        .is_none());

    let image = fetch(&photo_link).await;
    assert_eq!(image.status(), StatusCode::OK);
    let headers = image.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .starts_with("sandbox"));
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(image.bytes().await.unwrap().as_ref(), png.as_slice());

    let document = fetch(&pdf_link).await;
    assert_eq!(document.status(), StatusCode::OK);
    assert_eq!(document.headers()[header::CONTENT_TYPE], "application/pdf");
    let disposition = document.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''h%C3%B3a%20%C4%91%C6%A1n.pdf"),
        "{disposition}"
    );
    assert_eq!(document.bytes().await.unwrap().as_ref(), pdf().as_slice());

    // The thumbnail: at most 320 pixels a side, made once (the same bytes twice).
    let thumbnail = fetch(&thumbnail_link).await;
    assert_eq!(thumbnail.status(), StatusCode::OK);
    assert_eq!(thumbnail.headers()[header::CONTENT_TYPE], "image/jpeg");
    let small = thumbnail.bytes().await.unwrap();
    let decoded = image::load_from_memory(&small).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (320, 240));
    let again = fetch(&thumbnail_link).await.bytes().await.unwrap();
    assert_eq!(small, again);

    // Caching and seeking.
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let cached = server
        .http
        .get(&photo_link)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    let part = server
        .http
        .get(&photo_link)
        .header(header::RANGE, "bytes=8-15")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[header::CONTENT_RANGE].to_str().unwrap(),
        format!("bytes 8-15/{}", png.len())
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), &png[8..16]);
    let outside = server
        .http
        .get(&photo_link)
        .header(header::RANGE, format!("bytes={}-", png.len() + 10))
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // Tampered or expired: 403. Without a link or a key: 401. With the key: the bytes.
    let tampered = photo_link.replace("signature=", "signature=x");
    assert_eq!(fetch(&tampered).await.status(), StatusCode::FORBIDDEN);
    let swapped = photo_link.replace(&id, invoice["id"].as_str().unwrap());
    assert_eq!(fetch(&swapped).await.status(), StatusCode::FORBIDDEN);
    let (path, query) = photo_link.split_once('?').unwrap();
    let expired: String = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("expires", _)) => "expires=1000".to_owned(),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(
        fetch(&format!("{path}?{expired}")).await.status(),
        StatusCode::FORBIDDEN
    );
    let bare = format!("{}/v1/attachments/{id}/content", server.url);
    assert_eq!(
        server.http.get(&bare).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let with_key = server
        .raw(
            reqwest::Method::GET,
            &format!("/v1/attachments/{id}/content"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(with_key.status(), StatusCode::OK);
    assert_eq!(with_key.bytes().await.unwrap().as_ref(), png.as_slice());

    // The object, now used; and the event carries the links too.
    let object = get_json(server, &format!("/v1/attachments/{id}")).await;
    assert_eq!(object["unused"], false);
    let events = get_json(server, &format!("/v1/conversations/{cid}/events")).await;
    let created = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "message.created")
        .unwrap();
    let signed = created["data"]["attachments"][0]["url"].as_str().unwrap();
    assert_eq!(fetch(signed).await.status(), StatusCode::OK);
}

/// Everything a client can get wrong, each with its answer and nothing kept.
async fn bad_uploads_keep_nothing(server: &TestServer, folder: Option<&Path>) {
    let before = folder.map(files_in);
    // HTML named .png is stored as HTML, and served as a download that cannot run.
    let page = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec();
    let html = json_of(
        upload_raw(server, page, "image/png", "cat.png").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(html["content_type"], "text/html");
    assert!(html.get("thumbnail_url").is_none());
    let served = fetch(html["url"].as_str().unwrap()).await;
    assert_eq!(served.headers()[header::CONTENT_TYPE], "text/html");
    assert!(served.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(served.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    // A decompression bomb: 50,000 × 50,000 pixels claimed in a few bytes.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0xc4, 0xcd, 0xaa, 0x9d]);
    let refused = json_of(
        upload_raw(server, bomb, "image/png", "bomb.png").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        refused["detail"].as_str().unwrap().contains("50000"),
        "{refused}"
    );
    // Over the limit (the test servers take 2 MiB): 413, as soon as it is passed.
    let big = vec![7u8; 2 * 1024 * 1024 + 1];
    let too_big = json_of(
        upload_raw(server, big, "application/octet-stream", "big.bin").await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(too_big["code"], "payload_too_large");
    // An empty file; half a signed link.
    let empty = upload_raw(server, Vec::new(), "text/plain", "empty.txt").await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let half = html["url"]
        .as_str()
        .unwrap()
        .split("&signature=")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(fetch(&half).await.status(), StatusCode::FORBIDDEN);
    // A form without its file, a name with a NUL.
    let form = reqwest::multipart::Form::new().text("other", "x");
    let missing = server
        .raw(reqwest::Method::POST, "/v1/attachments")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A part whose headers cannot be read (a control character in its name) is `422` too.
    let unreadable = server
        .raw(reqwest::Method::POST, "/v1/attachments")
        .header("content-type", "multipart/form-data; boundary=b0")
        .body(
            b"--b0\r\nContent-Disposition: form-data; name=\"a\x19b\"\r\n\r\nx\r\n--b0\r\n\
              Content-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nhi\r\n--b0--\r\n"
                .to_vec(),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = answer(unreadable).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // (A NUL in any query is refused before the route: `400`.)
    let nul = upload_raw(server, b"x".to_vec(), "text/plain", "a%00b.txt").await;
    assert_eq!(nul.status(), StatusCode::BAD_REQUEST);
    let control = upload_raw(server, b"x".to_vec(), "text/plain", "a%07b.txt").await;
    assert_eq!(control.status(), StatusCode::UNPROCESSABLE_ENTITY);
    if let (Some(folder), Some(before)) = (folder, before) {
        let mut after = files_in(folder);
        after.retain(|f| !before.contains(f));
        // Only the HTML file was kept.
        assert_eq!(after.len(), 1, "{after:?}");
    }

    // Another organization's attachment: 404 to read, 422 to send.
    let other = post_json(
        server,
        "/v1/organizations",
        &json!({"name": "Elsewhere"}),
        StatusCode::CREATED,
    )
    .await;
    let their_key = other["admin_key"]["secret"].as_str().unwrap().to_owned();
    let theirs = server
        .http
        .post(format!("{}/v1/attachments?filename=t.txt", server.url))
        .bearer_auth(&their_key)
        .header(header::CONTENT_TYPE, "text/plain")
        .body("theirs")
        .send()
        .await
        .unwrap();
    let theirs = json_of(theirs, StatusCode::CREATED).await;
    let tid = theirs["id"].as_str().unwrap();
    let read = server
        .raw(reqwest::Method::GET, &format!("/v1/attachments/{tid}"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::NOT_FOUND);
    let conversation =
        post_json(server, "/v1/conversations", &json!({}), StatusCode::CREATED).await;
    let sent = post_json(
        server,
        &format!(
            "/v1/conversations/{}/messages",
            conversation["id"].as_str().unwrap()
        ),
        &json!({"content": "x", "attachments": [{"id": tid}]}),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(sent["errors"][0]["field"], "attachments[0].id");
}

fn small_limit(settings: &mut convo_server::Settings, url: &str) {
    settings.attachment_limit = 2 * 1024 * 1024;
    settings.public_url = Some(url.to_owned());
}

#[tokio::test]
async fn files_round_trip_on_sqlite_in_a_folder() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().to_str().unwrap().to_owned();
    let server = TestServer::start_at(|settings, url| {
        small_limit(settings, url);
        settings.storage = Some(path);
    })
    .await;
    photo_and_pdf_round_trip(&server).await;
    bad_uploads_keep_nothing(&server, Some(folder.path())).await;
    // Uploads and stored bytes are in the metrics.
    let metrics = server
        .http
        .get(format!("{}/metrics", server.url))
        .send()
        .await
        .unwrap();
    let metrics = metrics.text().await.unwrap();
    for line in ["convo_uploads_total 5", "convo_stored_bytes "] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
    server.stop().await;
}

#[tokio::test]
async fn files_round_trip_on_postgres_in_an_s3_bucket() {
    let s3 = S3Store::start().await;
    let configure = |settings: &mut convo_server::Settings, url: &str| {
        small_limit(settings, url);
        settings.storage = Some(format!("s3://{}/convo", s3.bucket));
        settings.s3.endpoint = Some(s3.endpoint.clone());
        settings.s3.region = Some("us-east-1".into());
        settings.s3.access_key_id = Some("test".into());
        settings.s3.secret_access_key = Some("test".into());
    };
    // PostgreSQL when the suite has it, else SQLite: the bucket is tested either way.
    let server = match TestServer::start_on_postgres_at(configure).await {
        Some(server) => server,
        None => TestServer::start_at(configure).await,
    };
    photo_and_pdf_round_trip(&server).await;
    bad_uploads_keep_nothing(&server, None).await;
    server.stop().await;
}

/// A full disk: the upload fails with `507` and nothing half-written stays. The folder is a
/// 1 MiB tmpfs (the tests run as root, as CI does).
#[tokio::test]
async fn a_full_disk_fails_the_upload_cleanly() {
    let folder = tempfile::tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(folder.path())
        .status()
        .expect("mount");
    assert!(mounted.success(), "mounting a 1 MiB tmpfs needs root");
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(folder.path().to_path_buf());
    let path = folder.path().to_str().unwrap().to_owned();
    let server = TestServer::start_at(|settings, url| {
        settings.public_url = Some(url.to_owned());
        settings.storage = Some(path);
    })
    .await;
    let full = upload_raw(
        &server,
        vec![1u8; 2 * 1024 * 1024],
        "application/octet-stream",
        "big.bin",
    )
    .await;
    let full = json_of(full, StatusCode::INSUFFICIENT_STORAGE).await;
    assert_eq!(full["code"], "insufficient_storage");
    assert_eq!(files_in(folder.path()), Vec::<std::path::PathBuf>::new());
    // Room again for a small file: the disk was not left full.
    let small = upload_raw(&server, b"fits".to_vec(), "text/plain", "small.txt").await;
    assert_eq!(small.status(), StatusCode::CREATED);
    server.stop().await;
}
