//! Files in a local folder. A new file is written under a temporary name in `tmp/`, synced,
//! then renamed into place (and the folder synced), so a crash never leaves a half-written
//! file under a real key; temporary files a crash left are removed at the next start.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use convo_core::files::{ByteStream, FileStorage, FileWriter};
use convo_core::{Error, Result};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::checked_key;

pub struct Folder {
    root: PathBuf,
}

/// A full disk or an exceeded quota is the client's clear `507`; anything else is ours.
fn io_error(error: std::io::Error) -> Error {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            Error::StorageFull
        }
        _ => Error::internal(error),
    }
}

impl Folder {
    pub async fn open(root: &Path) -> anyhow::Result<Self> {
        let tmp = root.join("tmp");
        tokio::fs::create_dir_all(&tmp).await.map_err(|e| {
            anyhow::anyhow!("cannot make the file storage folder {}: {e}", tmp.display())
        })?;
        let folder = Folder {
            root: root.to_path_buf(),
        };
        folder.remove_stale_temporaries().await;
        Ok(folder)
    }

    /// Temporary files older than a day: uploads a crash cut short (a live upload is never
    /// that old; several nodes may share the folder).
    async fn remove_stale_temporaries(&self) {
        let Ok(mut entries) = tokio::fs::read_dir(self.root.join("tmp")).await else {
            return;
        };
        let day_ago = SystemTime::now() - Duration::from_secs(24 * 3600);
        while let Ok(Some(entry)) = entries.next_entry().await {
            let stale = entry
                .metadata()
                .await
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified < day_ago);
            if stale {
                let _ = tokio::fs::remove_file(entry.path()).await;
            }
        }
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        Ok(self.root.join(checked_key(key)?))
    }
}

#[async_trait::async_trait]
impl FileStorage for Folder {
    async fn create(&self, key: &str) -> Result<Box<dyn FileWriter>> {
        let target = self.path(key)?;
        let temporary = self
            .root
            .join("tmp")
            .join(uuid::Uuid::new_v4().simple().to_string());
        let file = tokio::fs::File::create(&temporary)
            .await
            .map_err(io_error)?;
        Ok(Box::new(FolderWriter {
            file,
            temporary,
            target,
        }))
    }

    async fn put(&self, key: &str, bytes: Bytes) -> Result<()> {
        let mut writer = self.create(key).await?;
        match writer.write(bytes).await {
            Ok(()) => writer.finish().await,
            Err(error) => {
                writer.abort().await;
                Err(error)
            }
        }
    }

    async fn read(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream> {
        let mut file = match tokio::fs::File::open(self.path(key)?).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NotFound("stored file"))
            }
            Err(e) => return Err(io_error(e)),
        };
        let stream: ByteStream = match range {
            Some(range) => {
                file.seek(std::io::SeekFrom::Start(range.start))
                    .await
                    .map_err(io_error)?;
                Box::pin(tokio_util::io::ReaderStream::new(
                    file.take(range.end.saturating_sub(range.start)),
                ))
            }
            None => Box::pin(tokio_util::io::ReaderStream::new(file)),
        };
        Ok(stream)
    }

    async fn delete(&self, key: &str) -> Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(e)),
        }
    }

    fn describe(&self) -> String {
        format!("folder {}", self.root.display())
    }
}

struct FolderWriter {
    file: tokio::fs::File,
    temporary: PathBuf,
    target: PathBuf,
}

#[async_trait::async_trait]
impl FileWriter for FolderWriter {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        self.file.write_all(&chunk).await.map_err(io_error)
    }

    async fn finish(self: Box<Self>) -> Result<()> {
        let FolderWriter {
            mut file,
            temporary,
            target,
        } = *self;
        let placed: std::io::Result<()> = async {
            file.flush().await?;
            file.sync_all().await?;
            drop(file);
            let folder = target.parent().unwrap_or(Path::new("."));
            tokio::fs::create_dir_all(folder).await?;
            tokio::fs::rename(&temporary, &target).await?;
            // The rename itself is durable once the folder is synced.
            tokio::fs::File::open(folder).await?.sync_all().await
        }
        .await;
        if let Err(error) = placed {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(io_error(error));
        }
        Ok(())
    }

    async fn abort(self: Box<Self>) {
        drop(self.file);
        if let Err(error) = tokio::fs::remove_file(&self.temporary).await {
            tracing::warn!(%error, path = %self.temporary.display(), "could not remove an unfinished upload");
        }
    }
}
