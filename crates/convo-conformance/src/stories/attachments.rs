//! Stored files: uploads kept once per organization and content, refused whole when too
//! large or a decompression bomb, carried by messages of their organization only, and
//! removed (rows and objects) when nothing uses them: after a day unused, or at once when
//! their message or conversation is deleted.

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use convo_core::clock::ManualClock;
use convo_core::files::FileStorage;
use convo_core::usecases::attachments::{self, Upload};
use convo_core::AttachmentRecord;
use convo_files::Folder;
use convo_types::Timestamp;
use futures_util::stream;

use super::prelude::*;

const LIMIT: u64 = 64 * 1024;

stories![attachments_live_as_long_as_something_uses_them];

/// The objects in the folder (temporary files aside).
fn objects(root: &Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(root).expect("the folder") {
        let entry = entry.expect("an entry");
        if entry.file_name() == "tmp" {
            assert_eq!(
                std::fs::read_dir(entry.path()).expect("tmp").count(),
                0,
                "nothing half-written stays"
            );
            continue;
        }
        if entry.path().is_dir() {
            count += std::fs::read_dir(entry.path()).expect("a folder").count();
        }
    }
    count
}

/// Uploads `bytes` in chunks of 1 KiB, as a body arrives.
async fn upload(
    store: &dyn Store,
    files: &dyn FileStorage,
    clock: &ManualClock,
    who: &Principal,
    name: &str,
    bytes: &[u8],
) -> convo_core::Result<AttachmentRecord> {
    let chunks: Vec<convo_core::Result<Bytes>> = bytes
        .chunks(1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    attachments::upload(
        store,
        files,
        clock,
        who,
        LIMIT,
        Upload {
            filename: Some(name.into()),
            declared_type: Some("image/png".into()),
            body: stream::iter(chunks),
        },
    )
    .await
}

fn with_files(ids: &[convo_types::AttachmentId]) -> CreateMessage {
    CreateMessage {
        attachments: Some(ids.iter().map(|id| NewAttachment::stored(*id)).collect()),
        ..text("files")
    }
}

/// The sweep, a day and more on: sweeps until nothing is left to do (other stories' files
/// share the database).
async fn sweep(store: &dyn Store, files: &dyn FileStorage, clock: &ManualClock) {
    for _ in 0..20 {
        let swept = attachments::sweep(store, files, clock)
            .await
            .expect("sweep");
        if swept == attachments::Swept::default() {
            return;
        }
    }
}

async fn attachments_live_as_long_as_something_uses_them(shared: &Arc<dyn Store>) {
    let store = shared.as_ref();
    let dir = tempfile::tempdir().expect("a folder");
    let folder = Folder::open(dir.path()).await.expect("the storage");
    let files: &dyn FileStorage = &folder;
    let clock = ManualClock::at(Timestamp::now());
    let t = Fixture::new(store, "Files").await;
    let other = Fixture::new(store, "Other files").await;
    let c = t.conversation(CreateConversation::default()).await;
    let text_bytes = "Hóa đơn số 42\n".repeat(100).into_bytes();

    // The same bytes twice are one object; the type comes from the bytes.
    let first = upload(store, files, &clock, &t.admin, "a.txt", &text_bytes)
        .await
        .unwrap();
    let second = upload(store, files, &clock, &t.admin, "b.txt", &text_bytes)
        .await
        .unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(first.storage_key, second.storage_key);
    assert_eq!(
        first.content_type, "text/plain",
        "a declared image type is not believed"
    );
    assert_eq!(first.size, text_bytes.len() as i64);
    sweep(store, files, &clock).await;
    assert_eq!(objects(dir.path()), 1, "identical bytes are stored once");
    // Another organization's copy is its own.
    let theirs = upload(store, files, &clock, &other.admin, "a.txt", &text_bytes)
        .await
        .unwrap();
    assert_ne!(theirs.storage_key, first.storage_key);
    assert_eq!(objects(dir.path()), 2);

    // Too large: refused, nothing left behind. A bomb: refused by its header.
    let big = vec![b'x'; LIMIT as usize + 1];
    let refused = upload(store, files, &clock, &t.admin, "big.txt", &big).await;
    assert!(matches!(refused, Err(Error::TooLarge(_))), "{refused:?}");
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0xc4, 0xcd, 0xaa, 0x9d]);
    let refused = upload(store, files, &clock, &t.admin, "bomb.png", &bomb).await;
    assert!(
        matches!(refused, Err(Error::Rejected { .. })),
        "{refused:?}"
    );
    assert_eq!(objects(dir.path()), 2, "refused uploads leave nothing");

    // Another organization's attachment cannot ride a message; its reader sees none.
    let err = messages::create(store, &t.admin, c.id, with_files(&[theirs.id]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert!(matches!(
        attachments::get(store, &other.admin, first.id).await,
        Err(Error::NotFound(_))
    ));

    // Used by a message: kept past the day; the unused copy goes, the bytes stay.
    let sent = messages::create(store, &t.admin, c.id, with_files(&[first.id]))
        .await
        .unwrap()
        .message;
    assert_eq!(sent.attachments[0].id, Some(first.id));
    assert_eq!(sent.attachments[0].name.as_deref(), Some("a.txt"));
    assert_eq!(sent.attachments[0].size, Some(first.size));
    let used = attachments::get(store, &t.admin, first.id).await.unwrap();
    assert_eq!(used.expires_at, None);
    assert_eq!(used.used_in, vec![c.business_unit_id]);
    clock.advance(Duration::from_secs(25 * 3600));
    sweep(store, files, &clock).await;
    assert!(attachments::get(store, &t.admin, first.id).await.is_ok());
    assert!(matches!(
        attachments::get(store, &t.admin, second.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        attachments::get(store, &other.admin, theirs.id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        objects(dir.path()),
        1,
        "the other organization's unused copy is gone"
    );

    // Two messages share one attachment: deleting one keeps it; deleting the other's
    // conversation releases it, and the sweep removes row and object.
    let d = t.conversation(CreateConversation::default()).await;
    let again = messages::create(store, &t.admin, d.id, with_files(&[first.id]))
        .await
        .unwrap()
        .message;
    messages::delete(store, &t.admin, sent.id).await.unwrap();
    sweep(store, files, &clock).await;
    assert!(attachments::get(store, &t.admin, first.id).await.is_ok());
    assert_eq!(objects(dir.path()), 1);
    conversations::delete(store, &t.admin, d.id, None, false)
        .await
        .unwrap();
    sweep(store, files, &clock).await;
    assert!(matches!(
        attachments::get(store, &t.admin, first.id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(objects(dir.path()), 0, "nothing uses the bytes any more");
    assert_eq!(again.attachments.len(), 1);

    // A sweep removing a file while the same bytes are uploaded again: the new upload's
    // bytes always stay readable.
    for round in 0..20 {
        let bytes = format!("round {round} ").repeat(200).into_bytes();
        upload(store, files, &clock, &t.admin, "old.txt", &bytes)
            .await
            .unwrap();
        clock.advance(Duration::from_secs(25 * 3600));
        let (swept, fresh) = tokio::join!(
            attachments::sweep(store, files, &clock),
            upload(store, files, &clock, &t.admin, "new.txt", &bytes)
        );
        swept.unwrap();
        let fresh = attachments::get(store, &t.admin, fresh.unwrap().id)
            .await
            .unwrap();
        assert_eq!(
            read(files, &fresh.storage_key).await,
            bytes,
            "round {round}"
        );
    }
}

async fn read(files: &dyn FileStorage, key: &str) -> Vec<u8> {
    use futures_util::StreamExt;
    let mut stream = files.read(key, None).await.expect("the stored file");
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    bytes
}
