//! Where stored files' bytes live, as `--storage` says: a folder (the default) or an S3
//! bucket. Both implement `convo_core::files::FileStorage`.

/// The S3 bucket's settings; unset values come from the environment as the AWS tools read
/// it (`AWS_ACCESS_KEY_ID`, ...).
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    /// An S3-compatible store's address (`http://127.0.0.1:8333`); AWS itself when unset.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

mod folder;
mod s3;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use convo_core::files::FileStorage;

pub use folder::Folder;
pub use s3::Bucket;

/// The storage `--storage` names (`None`: the default folder for `database_url`), ready to
/// use: the folder made, the bucket's settings checked.
pub async fn open(
    storage: Option<&str>,
    database_url: &str,
    s3: &S3Options,
) -> anyhow::Result<Arc<dyn FileStorage>> {
    let storage: Arc<dyn FileStorage> = match storage {
        Some(url) if url.starts_with("s3://") => Arc::new(Bucket::open(url, s3)?),
        Some(folder) => Arc::new(Folder::open(Path::new(folder)).await?),
        None => Arc::new(Folder::open(&default_folder(database_url)).await?),
    };
    tracing::info!(storage = %storage.describe(), "stored files");
    Ok(storage)
}

/// `convo-files` beside the SQLite file, or in the working directory with PostgreSQL.
fn default_folder(database_url: &str) -> PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .unwrap_or(database_url);
    let file = file.split('?').next().unwrap_or(file);
    let beside = if database_url.starts_with("postgres") || file == ":memory:" {
        None
    } else {
        Path::new(file).parent()
    };
    beside.unwrap_or(Path::new("")).join("convo-files")
}

/// A key the server made (`<hex>/<hex>[-thumbnail]`): never a path that leaves the storage.
fn checked_key(key: &str) -> convo_core::Result<&str> {
    let safe = !key.is_empty()
        && key.split('/').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if safe {
        Ok(key)
    } else {
        Err(convo_core::Error::internal(format!(
            "not a storage key: {key:?}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_folder_is_beside_the_database() {
        assert_eq!(default_folder("convo.db"), PathBuf::from("convo-files"));
        assert_eq!(
            default_folder("sqlite:///var/lib/convo/convo.db?mode=rwc"),
            PathBuf::from("/var/lib/convo/convo-files")
        );
        assert_eq!(
            default_folder("data/x.db"),
            PathBuf::from("data/convo-files")
        );
        assert_eq!(
            default_folder("postgres://localhost/convo"),
            PathBuf::from("convo-files")
        );
    }

    #[test]
    fn keys_stay_inside() {
        assert!(checked_key("ab12/cd34").is_ok());
        assert!(checked_key("ab12/cd34-thumbnail").is_ok());
        assert!(checked_key("../etc/passwd").is_err());
        assert!(checked_key("/abs").is_err());
        assert!(checked_key("a//b").is_err());
        assert!(checked_key("").is_err());
    }
}
