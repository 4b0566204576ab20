//! Files in an S3 bucket, or an S3-compatible store, through `object_store`. An object
//! appears only when its upload completes (a single PUT, or a multipart upload for large
//! files), so an aborted upload leaves nothing under its key.

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use convo_core::files::{ByteStream, FileStorage, FileWriter};
use convo_core::{Error, Result};
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, PutPayload};
use tokio::io::AsyncWriteExt;

use super::checked_key;
use crate::S3Options;

/// Bytes buffered before an upload becomes multipart (S3's smallest part), and parts in
/// flight at once: what one upload holds in memory is bounded by their product.
const PART_BYTES: usize = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT: usize = 2;

pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    url: String,
}

fn store_error(error: object_store::Error) -> Error {
    match error {
        object_store::Error::NotFound { .. } => Error::NotFound("stored file"),
        other => Error::internal(other),
    }
}

impl Bucket {
    /// `s3://bucket/prefix`; credentials, region and endpoint from the settings (the usual
    /// `AWS_*` variables).
    pub fn open(url: &str, settings: &S3Options) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url)?;
        let bucket = parsed
            .host_str()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| anyhow::anyhow!("--storage {url}: no bucket name"))?;
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(region) = &settings.region {
            builder = builder.with_region(region);
        }
        if let Some(id) = &settings.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder
            .build()
            .map_err(|e| anyhow::anyhow!("--storage {url}: {e}"))?;
        Ok(Bucket {
            store: Arc::new(store),
            prefix: parsed.path().trim_matches('/').to_owned(),
            url: url.to_owned(),
        })
    }

    fn path(&self, key: &str) -> Result<Path> {
        let key = checked_key(key)?;
        Ok(if self.prefix.is_empty() {
            Path::from(key)
        } else {
            Path::from(format!("{}/{key}", self.prefix))
        })
    }
}

#[async_trait::async_trait]
impl FileStorage for Bucket {
    async fn create(&self, key: &str) -> Result<Box<dyn FileWriter>> {
        let writer = BufWriter::with_capacity(self.store.clone(), self.path(key)?, PART_BYTES)
            .with_max_concurrency(PARTS_IN_FLIGHT);
        Ok(Box::new(BucketWriter { writer }))
    }

    async fn put(&self, key: &str, bytes: Bytes) -> Result<()> {
        self.store
            .put(&self.path(key)?, PutPayload::from(bytes))
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn read(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        let result = self
            .store
            .get_opts(&self.path(key)?, options)
            .await
            .map_err(store_error)?;
        Ok(result.into_stream().map_err(std::io::Error::other).boxed())
    }

    async fn delete(&self, key: &str) -> Result<()> {
        match self.store.delete(&self.path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(Error::internal(e)),
        }
    }

    fn describe(&self) -> String {
        self.url.clone()
    }
}

struct BucketWriter {
    writer: BufWriter,
}

#[async_trait::async_trait]
impl FileWriter for BucketWriter {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        self.writer.put(chunk).await.map_err(store_error)
    }

    async fn finish(mut self: Box<Self>) -> Result<()> {
        self.writer.shutdown().await.map_err(Error::internal)
    }

    async fn abort(mut self: Box<Self>) {
        if let Err(error) = self.writer.abort().await {
            tracing::warn!(%error, "could not abort an unfinished upload");
        }
    }
}
