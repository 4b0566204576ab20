//! `/v1/attachments`: stored files, uploaded from bytes, a file on disk or any stream.

use std::path::Path;

use convo_types::{AttachmentId, StoredAttachment};
use reqwest::Method;

use crate::{Client, Error, Result, NO_QUERY};

/// `/v1/attachments`.
pub struct Attachments<'a>(pub(crate) &'a Client);

impl Attachments<'_> {
    /// Uploads a file as the request body: bytes (`Vec<u8>`, `bytes::Bytes`, ...) are retried
    /// like any call; a stream (`reqwest::Body::wrap_stream`, a `tokio::fs::File`) is sent
    /// once. The server reads the type from the bytes; `content_type` is only a hint.
    #[doc(alias = "uploadAttachment")]
    pub async fn upload(
        &self,
        filename: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Result<StoredAttachment> {
        let request = self
            .0
            .request(Method::POST, "/v1/attachments")
            .query(&[("filename", filename)])
            .header(
                reqwest::header::CONTENT_TYPE,
                content_type.unwrap_or("application/octet-stream"),
            )
            .body(body);
        self.0.send(request).await
    }

    /// Uploads a file from disk, streamed (never whole in memory), under its own name.
    pub async fn upload_path(&self, path: impl AsRef<Path>) -> Result<StoredAttachment> {
        let path = path.as_ref();
        let filename = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("file")
            .to_owned();
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        self.upload(&filename, None, file).await
    }

    /// The stored file's object, with fresh signed links.
    #[doc(alias = "getAttachment")]
    pub async fn get(&self, id: AttachmentId) -> Result<StoredAttachment> {
        self.0
            .get(&format!("/v1/attachments/{id}"), &NO_QUERY)
            .await
    }

    /// The bytes (`thumbnail`: an image's thumbnail), read with the client's credentials.
    #[doc(alias = "getAttachmentContent")]
    pub async fn content(&self, id: AttachmentId, thumbnail: bool) -> Result<bytes::Bytes> {
        let mut request = self
            .0
            .request(Method::GET, &format!("/v1/attachments/{id}/content"));
        if thumbnail {
            request = request.query(&[("size", "thumbnail")]);
        }
        let response = self.0.execute(request).await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if status.is_success() {
            Ok(bytes)
        } else {
            Err(crate::error::problem(status, &bytes))
        }
    }
}
