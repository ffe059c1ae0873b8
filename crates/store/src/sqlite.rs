//! The SQLite backend of [`Store`]: one database file, WAL journal, foreign keys on.
//!
//! The file is created and migrated by [`SqliteStore::open`]; readers that must never change it
//! (the web server) use [`SqliteStore::open_read_only`]. Every write goes through one `IMMEDIATE`
//! transaction that reads the stored state, checks it, writes only what changed and appends the
//! import log, so an import commits whole or leaves the file untouched.
//!
//! Intelligence is imported through [`intel::SqliteIntelImport`], which holds its own `IMMEDIATE`
//! transaction for the whole import (the store is borrowed mutably meanwhile).
//!
//! This module must never leak SQL or `rusqlite` types through the [`Store`] trait; the only
//! SQLite-specific public items are the constructors, [`SqliteStore::logical_dump`] and
//! [`SqliteStore::SCHEMA_VERSION`].

use std::path::Path;
use std::time::Duration;

use model::{Asset, AssetSummary, Conduit, EntryPoint, Plant, PlantDiff, Site, Zone};
use rusqlite::{Connection, OpenFlags, Transaction};

use model::finding::Finding;

use crate::{
    AssetFilter, FindingFilter, FindingSummary, ImportRecord, ImportSource, IntelImport, IntelSourceStatus, IntelView,
    MatchAsset, MatchState, MatchStore, MatchTx, QualityReport, Store, StoreError,
};

mod audit;
mod decisions;
mod dump;
mod exposure;
mod intel;
mod intel_export;
mod intel_read;
mod matching;
mod migrate;
mod read;
mod scans;
mod write;

/// Names the database file in every SQLite error.
pub(crate) trait At<T> {
    fn at(self, path: &str) -> Result<T, StoreError>;
}

impl<T> At<T> for rusqlite::Result<T> {
    fn at(self, path: &str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sqlite { path: path.to_string(), source })
    }
}

/// A plant store in one SQLite database file (or in memory, for tests).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    /// The file as the caller named it; `:memory:` for an in-memory store.
    path: String,
    read_only: bool,
}

/// Statements the store keeps prepared; enough for every statement it runs.
const STATEMENT_CACHE: usize = 64;

impl SqliteStore {
    /// The schema version this build creates and understands.
    pub const SCHEMA_VERSION: i64 = migrate::SCHEMA_VERSION;

    /// Opens the database file at `path`, creating it if it does not exist, and brings its
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        let conn = Connection::open(path).at(&name)?;
        Self::set_up(conn, name, false)
    }

    /// A fresh, empty database in memory.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let name = String::from(":memory:");
        let conn = Connection::open_in_memory().at(&name)?;
        Self::set_up(conn, name, false)
    }

    /// Opens an existing database for reading only. A missing file, or one whose schema is not
    /// exactly this build's, is an error: a reader never creates or migrates a database.
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        if !path.is_file() {
            return Err(StoreError::Refused(format!(
                "database {name} does not exist; create it by importing a plant first"
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).at(&name)?;
        Self::set_up(conn, name, true)
    }

    fn set_up(mut conn: Connection, path: String, read_only: bool) -> Result<Self, StoreError> {
        conn.busy_timeout(Duration::from_millis(5000)).at(&path)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "foreign_keys", true).at(&path)?;
        if read_only {
            migrate::check_current(&conn, &path)?;
        } else {
            // In memory the journal mode stays `memory`; the pragma then reports that and is harmless.
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(())).at(&path)?;
            conn.pragma_update(None, "synchronous", "NORMAL").at(&path)?;
            migrate::migrate(&mut conn, &path)?;
        }
        Ok(SqliteStore { conn, path, read_only })
    }

    /// The database file as it was named when opened (`:memory:` in memory).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Every table's rows in a stable order, as text, together with the schema and its version:
    /// two dumps are equal exactly when the databases hold the same content. For diagnostics and
    /// for tests that prove a refused import changed nothing.
    pub fn logical_dump(&self) -> Result<String, StoreError> {
        let _snapshot = self.snapshot()?;
        dump::logical_dump(&self.conn, &self.path)
    }

    /// A read transaction, so that several statements see one snapshot; none when one is already
    /// open (a visitor calling back into the store), whose snapshot then serves.
    fn snapshot(&self) -> Result<Option<Transaction<'_>>, StoreError> {
        if self.conn.is_autocommit() { self.conn.unchecked_transaction().map(Some).at(&self.path) } else { Ok(None) }
    }

    fn writable(&self) -> Result<(), StoreError> {
        if self.read_only {
            Err(StoreError::Refused(format!("database {} is open read-only; nothing was changed", self.path)))
        } else {
            Ok(())
        }
    }
}

impl Store for SqliteStore {
    fn plant(&self) -> Result<Plant, StoreError> {
        let _snapshot = self.snapshot()?;
        read::plant(&self.conn, &self.path)
    }

    fn preview_plant(&self, plant: &Plant) -> Result<PlantDiff, StoreError> {
        let _snapshot = self.snapshot()?;
        let old = read::plant(&self.conn, &self.path)?;
        write::plan_plant(&self.path, &old, plant)
    }

    fn import_plant(&mut self, plant: &Plant, source: &ImportSource) -> Result<PlantDiff, StoreError> {
        self.writable()?;
        write::import_plant(&mut self.conn, &self.path, plant, source)
    }

    fn upsert_assets(&mut self, assets: &[Asset], source: &ImportSource) -> Result<PlantDiff, StoreError> {
        self.writable()?;
        write::upsert_assets(&mut self.conn, &self.path, assets, source)
    }

    fn sites(&self) -> Result<Vec<Site>, StoreError> {
        read::docs(&self.conn, &self.path, read::Table::Sites)
    }

    fn zones(&self) -> Result<Vec<Zone>, StoreError> {
        read::docs(&self.conn, &self.path, read::Table::Zones)
    }

    fn conduits(&self) -> Result<Vec<Conduit>, StoreError> {
        read::docs(&self.conn, &self.path, read::Table::Conduits)
    }

    fn entry_points(&self) -> Result<Vec<EntryPoint>, StoreError> {
        read::docs(&self.conn, &self.path, read::Table::EntryPoints)
    }

    fn asset(&self, id: &str) -> Result<Option<Asset>, StoreError> {
        read::asset(&self.conn, &self.path, id)
    }

    fn asset_summaries(
        &self,
        filter: &AssetFilter,
        visit: &mut dyn FnMut(AssetSummary) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        // One read transaction so the asset scan and the address scan see the same snapshot.
        let _snapshot = self.snapshot()?;
        read::asset_summaries(&self.conn, &self.path, filter, visit)
    }

    fn asset_counts_by_zone(&self) -> Result<Vec<(String, usize)>, StoreError> {
        read::asset_counts_by_zone(&self.conn, &self.path)
    }

    fn dependents(&self, id: &str) -> Result<Vec<String>, StoreError> {
        read::ids(
            &self.conn,
            &self.path,
            "SELECT DISTINCT asset_id FROM asset_dependencies WHERE depends_on = ?1 ORDER BY asset_id",
            id,
        )
    }

    fn redundancy_peers(&self, group: &str) -> Result<Vec<String>, StoreError> {
        read::ids(&self.conn, &self.path, "SELECT id FROM assets WHERE redundancy_group = ?1 ORDER BY id", group)
    }

    fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        read::imports(&self.conn, &self.path)
    }

    fn begin_intel_import(&mut self, at: &str) -> Result<Box<dyn IntelImport + '_>, StoreError> {
        self.writable()?;
        Ok(Box::new(intel::begin(&mut self.conn, &self.path, at)?))
    }

    fn intel_status(&self) -> Result<Vec<IntelSourceStatus>, StoreError> {
        let _snapshot = self.snapshot()?;
        intel_read::status(&self.conn, &self.path)
    }

    fn intel_lookup(&self, id: &str) -> Result<IntelView, StoreError> {
        let _snapshot = self.snapshot()?;
        intel_read::lookup(&self.conn, &self.path, id)
    }

    fn intel_export(
        &self,
        filter: Option<&[String]>,
        visit: &mut dyn FnMut(model::advisory::IntelRecord) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        let _snapshot = self.snapshot()?;
        intel_export::export(&self.conn, &self.path, filter, visit)
    }

    fn intel_quality(&self, limit: usize) -> Result<Vec<QualityReport>, StoreError> {
        let _snapshot = self.snapshot()?;
        intel_read::quality(&self.conn, &self.path, limit)
    }

    fn findings(&self, filter: &FindingFilter) -> Result<Vec<Finding>, StoreError> {
        let _snapshot = self.snapshot()?;
        matching::findings(&self.conn, &self.path, filter)
    }

    fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError> {
        let _snapshot = self.snapshot()?;
        matching::finding_by_id(&self.conn, &self.path, id)
    }

    fn finding_summary(&self) -> Result<FindingSummary, StoreError> {
        let _snapshot = self.snapshot()?;
        matching::summary(&self.conn, &self.path)
    }

    fn exposure_findings(&self, min: model::Confidence) -> Result<Vec<crate::ExposureFinding>, StoreError> {
        let _snapshot = self.snapshot()?;
        exposure::findings(&self.conn, &self.path, min)
    }

    fn decision_signals(&self) -> Result<Vec<crate::VulnSignals>, StoreError> {
        let _snapshot = self.snapshot()?;
        exposure::decision_signals(&self.conn, &self.path)
    }

    fn stored_decisions(&self) -> Result<Vec<crate::StoredDecision>, StoreError> {
        let _snapshot = self.snapshot()?;
        decisions::stored(&self.conn, &self.path)
    }

    fn save_decisions(
        &mut self,
        upserts: &[crate::StoredDecision],
        removed: &[String],
        changes: &[crate::DecisionChange],
    ) -> Result<(), StoreError> {
        self.writable()?;
        decisions::save(&mut self.conn, &self.path, upserts, removed, changes)
    }

    fn decision_history(&self, finding: Option<&str>, limit: usize) -> Result<Vec<crate::DecisionChange>, StoreError> {
        decisions::history(&self.conn, &self.path, finding, limit)
    }

    fn controls(&self) -> Result<Vec<model::Control>, StoreError> {
        decisions::controls(&self.conn, &self.path)
    }

    fn record_audited(
        &mut self,
        change: &crate::Audited,
        who: &crate::AuditWho,
    ) -> Result<workflow::audit::Entry, StoreError> {
        self.writable()?;
        audit::record(&mut self.conn, &self.path, change, who)
    }

    fn workflow_records(&self) -> Result<Vec<workflow::Record>, StoreError> {
        audit::records(&self.conn, &self.path)
    }

    fn users(&self) -> Result<Vec<crate::User>, StoreError> {
        audit::users(&self.conn, &self.path)
    }

    fn audit_log(&self, object: Option<&str>) -> Result<Vec<workflow::audit::Entry>, StoreError> {
        audit::log(&self.conn, &self.path, object)
    }

    fn windows(&self) -> Result<Vec<model::MaintenanceWindow>, StoreError> {
        audit::windows(&self.conn, &self.path)
    }

    fn certifications(&self) -> Result<Vec<model::Certification>, StoreError> {
        audit::certifications(&self.conn, &self.path)
    }

    fn import_certifications(
        &mut self,
        rows: &[model::Certification],
        source: &ImportSource,
    ) -> Result<usize, StoreError> {
        self.writable()?;
        audit::import_certifications(&mut self.conn, &self.path, rows, source)
    }

    fn begin_scan_import(
        &mut self,
        meta: &crate::ScanMeta,
    ) -> Result<Option<Box<dyn crate::ScanImportTx + '_>>, StoreError> {
        self.writable()?;
        Ok(scans::begin(&mut self.conn, &self.path, meta)?.map(|t| Box::new(t) as Box<dyn crate::ScanImportTx + '_>))
    }

    fn scan_imports(&self) -> Result<Vec<crate::ScanImportRow>, StoreError> {
        scans::imports(&self.conn, &self.path)
    }

    fn scan_hosts(&self, import: i64) -> Result<Vec<crate::ScanHostRow>, StoreError> {
        scans::hosts(&self.conn, &self.path, import)
    }

    fn scan_claims(&self, import: Option<i64>) -> Result<Vec<crate::ScanClaim>, StoreError> {
        scans::claims(&self.conn, &self.path, import)
    }

    fn data_version(&self) -> Result<Option<String>, StoreError> {
        let _snapshot = self.snapshot()?;
        exposure::data_version(&self.conn, &self.path).map(Some)
    }

    fn flows(&self) -> Result<Vec<model::Flow>, StoreError> {
        exposure::flows(&self.conn, &self.path)
    }

    fn import_flows(&mut self, flows: &[model::Flow], source: &ImportSource) -> Result<usize, StoreError> {
        self.writable()?;
        exposure::import_flows(&mut self.conn, &self.path, flows, source)
    }

    fn replace_conduits(&mut self, conduits: &[Conduit], source: &ImportSource) -> Result<PlantDiff, StoreError> {
        self.writable()?;
        exposure::replace_conduits(&mut self.conn, &self.path, conduits, source)
    }
}

impl MatchStore for SqliteStore {
    fn match_state(&self) -> Result<MatchState, StoreError> {
        let _snapshot = self.snapshot()?;
        matching::state(&self.conn, &self.path)
    }

    fn match_assets(&self) -> Result<Vec<MatchAsset>, StoreError> {
        let _snapshot = self.snapshot()?;
        matching::assets(&self.conn, &self.path)
    }

    fn begin_match(&mut self) -> Result<Box<dyn MatchTx + '_>, StoreError> {
        self.writable()?;
        Ok(Box::new(matching::begin(&mut self.conn, &self.path)?))
    }
}
