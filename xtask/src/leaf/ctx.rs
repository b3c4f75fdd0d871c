//! `Ctx`: where the repository, its build directory and the download cache
//! are. Every command makes one and hands it down.

use anyhow::{Context, Result};
use std::fs;
use std::path::PathBuf;

/// Where the repository, its build directory and the download cache are.
pub struct Ctx {
    /// The top of this repository.
    pub root: PathBuf,
    /// `build/` in the repository: everything generated, never committed.
    pub build: PathBuf,
    /// Downloads and the base repository, kept outside the repository.
    pub cache: PathBuf,
}

impl Ctx {
    pub fn new() -> Result<Self> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask has no parent directory")?
            .to_path_buf();
        let cache = match std::env::var_os("XTASK_CACHE") {
            Some(dir) => PathBuf::from(dir),
            None => {
                let base = std::env::var_os("XDG_CACHE_HOME")
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                    .context("neither XDG_CACHE_HOME nor HOME is set")?;
                base.join("linux-rust-5.10")
            }
        };
        let build = root.join("build");
        fs::create_dir_all(&build)?;
        fs::create_dir_all(&cache)?;
        Ok(Self { root, build, cache })
    }

    pub fn logs(&self) -> Result<PathBuf> {
        let dir = self.build.join("logs");
        fs::create_dir_all(&dir)?;
        Ok(dir)
    }
}
