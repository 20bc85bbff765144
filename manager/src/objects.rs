//! Scene uploads and frames in a local folder, behind the interface an S3-compatible store
//! will implement: put by key (written whole, then renamed in), get by key.

use std::path::{Path, PathBuf};

pub struct Objects {
    root: PathBuf,
}

impl Objects {
    pub fn open(root: &Path) -> std::io::Result<Self> {
        for folder in ["scenes", "frames", "tmp"] {
            std::fs::create_dir_all(root.join(folder))?;
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// Where a key lives on disk (scene files are loaded from there).
    pub fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    pub fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let staged = self
            .root
            .join("tmp")
            .join(inferix_node_api::hex(&inferix_node_api::random_bytes::<8>()));
        std::fs::write(&staged, bytes)?;
        std::fs::rename(&staged, self.path(key))
    }

    pub fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path(key))
    }

    pub fn exists(&self, key: &str) -> bool {
        self.path(key).is_file()
    }
}
