//! `sync-state.json`: per-URL validators and per-source progress, rewritten atomically (written to
//! a `.part` file, then renamed) after every completed download so an interruption loses nothing
//! that finished.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{SyncError, io_err};

/// What a server said about a URL's body, to ask "changed since?" next time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// An NVD window being paged through; kept until its last page is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NvdPending {
    /// `lastModStartDate`/`lastModEndDate` (RFC 3339); both `None` for the first, full download.
    pub start: Option<String>,
    pub end: Option<String>,
    /// The `startIndex` of the next page to fetch.
    pub next_index: u64,
    /// When the full download began (it becomes `last_sync` when it completes).
    pub began: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NvdState {
    /// Records modified up to this time (RFC 3339) are in the cache.
    #[serde(default)]
    pub last_sync: Option<String>,
    #[serde(default)]
    pub pending: Option<NvdPending>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsafState {
    /// When the last complete CSAF sync began (RFC 3339).
    #[serde(default)]
    pub last_sync: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub urls: BTreeMap<String, Validators>,
    #[serde(default)]
    pub nvd: NvdState,
    #[serde(default)]
    pub csaf: CsafState,
}

/// The state and the file it lives in.
pub struct StateFile {
    path: PathBuf,
    pub state: State,
}

impl StateFile {
    /// Reads the state file; a missing one is an empty state.
    pub fn load(path: &Path) -> Result<Self, SyncError> {
        let state = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| SyncError::State { path: path.display().to_string(), message: e.to_string() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(e) => return Err(io_err(path)(e)),
        };
        Ok(StateFile { path: path.to_path_buf(), state })
    }

    /// Writes the state: to `sync-state.json.part`, then renamed over the old one.
    pub fn save(&self) -> Result<(), SyncError> {
        let part = part_path(&self.path);
        let bytes = serde_json::to_vec_pretty(&self.state)
            .map_err(|e| SyncError::State { path: self.path.display().to_string(), message: e.to_string() })?;
        let mut f = std::fs::File::create(&part).map_err(io_err(&part))?;
        f.write_all(&bytes).and_then(|()| f.sync_all()).map_err(io_err(&part))?;
        std::fs::rename(&part, &self.path).map_err(io_err(&self.path))
    }
}

/// `NAME.part` beside `path`.
pub fn part_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(".part");
    PathBuf::from(s)
}

/// Removes `*.part` files an interrupted run left under `folder`, so nothing half-written is ever
/// imported.
pub fn remove_stale_parts(folder: &Path) -> Result<(), SyncError> {
    let entries = std::fs::read_dir(folder).map_err(io_err(folder))?;
    for e in entries {
        let e = e.map_err(io_err(folder))?;
        let p = e.path();
        let ft = e.file_type().map_err(io_err(&p))?;
        if ft.is_dir() {
            remove_stale_parts(&p)?;
        } else if ft.is_file() && p.extension().is_some_and(|x| x == "part") {
            std::fs::remove_file(&p).map_err(io_err(&p))?;
        }
    }
    Ok(())
}
