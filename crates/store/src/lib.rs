//! Persistence of the plant model: SQLite by default, behind the [`Store`] trait so another
//! backend (PostgreSQL for multi-site scale) can be added without touching the engines.
//!
//! Nothing outside this crate knows SQL. Every import runs in one transaction: it commits whole or
//! changes nothing. Schema changes are versioned migrations embedded in the binary.

use model::{Asset, AssetKind, AssetSummary, Conduit, EntryPoint, Plant, PlantDiff, Site, Zone};
use serde::Serialize;

mod sqlite;

pub use sqlite::SqliteStore;

/// Errors of the store. Messages name the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "database {path} has schema version {found}, newer than this build of patchwise understands ({known}); upgrade patchwise"
    )]
    SchemaTooNew { path: String, found: i64, known: i64 },
    #[error("database {path}: stored record {what} is unreadable: {message}")]
    Corrupt { path: String, what: String, message: String },
    #[error("{0}")]
    Refused(String),
    /// Raised by a caller's visitor to stop a listing early (for example a closed pipe).
    #[error("{0}")]
    Visitor(String),
}

/// Where an import came from; kept in the database's import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSource {
    /// `plant-file`, `asset-csv`, `demo`, …
    pub kind: String,
    /// The file as the user named it.
    pub path: String,
    /// Hex SHA-256 or another content digest of the file, where the caller computed one.
    pub digest: Option<String>,
    /// When the import ran, RFC 3339; passed in so the store reads no clock.
    pub at: String,
}

/// One entry of the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRecord {
    pub id: i64,
    pub source: ImportSource,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// Narrows an asset listing. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    pub site: Option<String>,
    pub zone: Option<String>,
    pub kind: Option<AssetKind>,
    /// Case-insensitive substring of id, name, vendor, product, model or an address.
    pub text: Option<String>,
}

/// The persistence interface every backend implements. A conformance suite in the tests runs
/// against every backend.
pub trait Store: Send {
    /// The whole stored plant, records sorted by id.
    fn plant(&self) -> Result<Plant, StoreError>;

    /// What [`Store::import_plant`] would change, without changing anything.
    fn preview_plant(&self, plant: &Plant) -> Result<PlantDiff, StoreError>;

    /// Replaces the stored plant with `plant` in one transaction: records are added, updated in
    /// place or removed; assets from other sources are kept unless the plant names them.
    /// Records that did not change are not written.
    fn import_plant(&mut self, plant: &Plant, source: &ImportSource) -> Result<PlantDiff, StoreError>;

    /// Adds or updates assets (from a CSV inventory) in one transaction; removes nothing.
    /// Every asset's zone must exist, else nothing is written.
    fn upsert_assets(&mut self, assets: &[Asset], source: &ImportSource) -> Result<PlantDiff, StoreError>;

    fn sites(&self) -> Result<Vec<Site>, StoreError>;
    fn zones(&self) -> Result<Vec<Zone>, StoreError>;
    fn conduits(&self) -> Result<Vec<Conduit>, StoreError>;
    fn entry_points(&self) -> Result<Vec<EntryPoint>, StoreError>;

    /// One asset with everything recorded about it.
    fn asset(&self, id: &str) -> Result<Option<Asset>, StoreError>;

    /// Streams asset summaries sorted by id to `visit`; returns how many were visited.
    fn asset_summaries(
        &self,
        filter: &AssetFilter,
        visit: &mut dyn FnMut(AssetSummary) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError>;

    /// Number of assets per zone id: every zone, with 0 where it has none, sorted by zone id.
    fn asset_counts_by_zone(&self) -> Result<Vec<(String, usize)>, StoreError>;

    /// Ids of the assets that list `id` in their `depends_on`, sorted.
    fn dependents(&self, id: &str) -> Result<Vec<String>, StoreError>;

    /// Ids of the assets in a redundancy group, sorted.
    fn redundancy_peers(&self, group: &str) -> Result<Vec<String>, StoreError>;

    /// The import log, newest first. Every successful import is logged, including one that
    /// changed nothing; a refused import is not.
    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError>;
}
