//! Scene uploads and frames in an object store (the `object_store` crate): a folder by default,
//! or any S3-compatible store (`objects = "s3://bucket/prefix"`, with the standard `AWS_*`
//! environment for credentials, region and endpoint) so that replicas on several hosts share
//! them. Scenes are stored by content hash (`scenes/<sha256>.<ext>`), so a scene uploaded once
//! is shared by every job and replica; frames by lease (`frames/<lease>.png`). The renderer
//! reads scene files: a replica keeps the scenes it has used in a local cache folder, fetched
//! from the store on first use.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};

pub struct Objects {
    store: Arc<dyn ObjectStore>,
    /// Where this replica keeps scene files for the renderer, and stages uploads.
    cache: PathBuf,
    /// The store's folder when it is one: scene files are read from there, uncopied.
    folder: Option<PathBuf>,
    pub location: String,
}

#[derive(Debug, thiserror::Error)]
#[error("objects {location}: {reason}")]
pub struct ObjectsError {
    pub location: String,
    pub reason: String,
}

impl Objects {
    /// `location`: a folder (created if missing) or an `s3://bucket[/prefix]` URL; `cache`: a
    /// local folder for scene files and staged uploads (created if missing).
    pub fn open(location: &str, cache: &Path) -> Result<Self, ObjectsError> {
        let failed = |reason: String| ObjectsError {
            location: location.to_string(),
            reason,
        };
        std::fs::create_dir_all(cache.join("scenes")).map_err(|e| failed(e.to_string()))?;
        std::fs::create_dir_all(cache.join("staged")).map_err(|e| failed(e.to_string()))?;
        let (store, folder): (Arc<dyn ObjectStore>, Option<PathBuf>) =
            match location.strip_prefix("s3://") {
                Some(rest) => {
                    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                    let s3 = AmazonS3Builder::from_env()
                        .with_bucket_name(bucket)
                        .build()
                        .map_err(|e| failed(e.to_string()))?;
                    let store: Arc<dyn ObjectStore> = match prefix.trim_matches('/') {
                        "" => Arc::new(s3),
                        prefix => Arc::new(PrefixStore::new(s3, prefix)),
                    };
                    (store, None)
                }
                None => {
                    let folder = PathBuf::from(location);
                    std::fs::create_dir_all(&folder).map_err(|e| failed(e.to_string()))?;
                    let local = LocalFileSystem::new_with_prefix(&folder)
                        .map_err(|e| failed(e.to_string()))?;
                    (Arc::new(local), Some(folder))
                }
            };
        Ok(Self {
            store,
            cache: cache.to_path_buf(),
            folder,
            location: location.to_string(),
        })
    }

    /// Stores `bytes` at `key`, whole or not at all.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> object_store::Result<()> {
        self.store
            .put(&Key::from(key), PutPayload::from(bytes))
            .await
            .map(|_| ())
    }

    pub async fn get(&self, key: &str) -> object_store::Result<Vec<u8>> {
        let found = self.store.get(&Key::from(key)).await?;
        Ok(found.bytes().await?.to_vec())
    }

    pub async fn exists(&self, key: &str) -> object_store::Result<bool> {
        match self.store.head(&Key::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A local file to stage an upload in while it is checked.
    pub fn staging(&self, name: &str) -> PathBuf {
        self.cache.join("staged").join(name)
    }

    /// The object at `key` as a local file for the renderer: the store's own file when it is a
    /// folder, else this replica's cached copy, fetched once.
    pub async fn local_file(&self, key: &str) -> object_store::Result<PathBuf> {
        if let Some(folder) = &self.folder {
            return Ok(folder.join(key));
        }
        let cached = self.cache.join(key);
        if !cached.is_file() {
            let bytes = self.get(key).await?;
            let staged = self.staging(&inferix_node_api::hex(
                &inferix_node_api::random_bytes::<8>(),
            ));
            let stored = std::fs::write(&staged, &bytes)
                .and_then(|_| std::fs::create_dir_all(cached.parent().unwrap_or(&self.cache)))
                .and_then(|_| std::fs::rename(&staged, &cached));
            stored.map_err(|e| object_store::Error::Generic {
                store: "cache",
                source: Box::new(e),
            })?;
        }
        Ok(cached)
    }
}
