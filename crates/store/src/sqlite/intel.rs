//! Intelligence imports: one `IMMEDIATE` transaction per import, held by [`SqliteIntelImport`]
//! from `begin_intel_import` until `commit`; dropping it rolls everything back.
//!
//! `put` looks the record up by its key (one indexed `SELECT` of the stored stamps and document),
//! lets [`crate::revision::decide`] choose, and writes only a new or replacing version, with an
//! upsert; an unchanged or older one costs the lookup alone. Every statement is a cached prepared
//! statement of the connection, so a put prepares nothing after the first of its kind. Keys,
//! columns and ordering rules are described in `migrations/0002_intel.sql` (and the warnings count
//! of `0003_quality.sql`) and [`crate::revision`].

use std::cell::Cell;
use std::collections::BTreeSet;

use model::advisory::{
    Advisory, AdvisoryKind, EpssScore, Exploitation, IntelRecord, KevEntry, RansomwareUse, Source, SsvcPoints,
    TechnicalImpact,
};
use rusqlite::{Connection, OptionalExtension, Params, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::At;
use crate::revision::{Verdict, Version, decide, sortable};
use crate::{IntelFile, IntelImport, IntelImportSummary, IntelKind, StoreError};

/// Every source, in [`Source`] order: the spellings the `source` columns hold.
pub(crate) const SOURCES: [Source; 10] = Source::ALL;

/// Does not compile once the model gains a source: the reminder to add it to [`SOURCES`].
const fn listed(s: Source) -> bool {
    match s {
        Source::Nvd2
        | Source::Nvd11
        | Source::Cve5
        | Source::Cve5Adp
        | Source::Kev
        | Source::Epss
        | Source::Csaf
        | Source::CycloneDxVex
        | Source::OpenVex
        | Source::Demo => true,
    }
}

const _: () = {
    let mut i = 0;
    while i < SOURCES.len() {
        assert!(listed(SOURCES[i]));
        i += 1;
    }
};

/// The source a `source` column names.
pub(crate) fn parse_source(s: &str) -> Option<Source> {
    SOURCES.into_iter().find(|x| x.as_str() == s)
}

/// The advisory key's family: NVD 1.1 and 2.0 are one.
fn family(source: Source) -> &'static str {
    match source {
        Source::Nvd11 | Source::Nvd2 => "nvd",
        other => other.as_str(),
    }
}

fn advisory_kind(kind: AdvisoryKind) -> &'static str {
    match kind {
        AdvisoryKind::Cve => "cve",
        AdvisoryKind::VendorAdvisory => "vendor-advisory",
        AdvisoryKind::Vex => "vex",
    }
}

fn ransomware(r: RansomwareUse) -> &'static str {
    match r {
        RansomwareUse::Known => "known",
        RansomwareUse::Unknown => "unknown",
    }
}

fn exploitation(e: Exploitation) -> &'static str {
    match e {
        Exploitation::None => "none",
        Exploitation::Poc => "poc",
        Exploitation::Active => "active",
    }
}

fn technical_impact(t: TechnicalImpact) -> &'static str {
    match t {
        TechnicalImpact::Partial => "partial",
        TechnicalImpact::Total => "total",
    }
}

fn refused(path: &str, message: String) -> StoreError {
    StoreError::Refused(format!("database {path}: intelligence import refused: {message}"))
}

/// A stored version as the lookup before a write reads it: source, the two stamps, the document.
struct Stored {
    source: Source,
    stamps: [Option<String>; 2],
    doc: String,
}

impl Stored {
    fn version(&self) -> Version<'_> {
        Version { doc: &self.doc, stamps: [self.stamps[0].as_deref(), self.stamps[1].as_deref()], source: self.source }
    }
}

/// An intelligence import in progress. See the module docs.
pub(crate) struct SqliteIntelImport<'c> {
    tx: Transaction<'c>,
    path: &'c str,
    at: String,
    summary: IntelImportSummary,
    /// Counted by `seen`, which takes `&self`.
    files_unchanged: Cell<usize>,
    /// The sources and kinds delivered, for `intel_source_imports` at commit.
    delivered: BTreeSet<(Source, IntelKind)>,
    /// The JSON of the record being put, reused from put to put.
    buf: Vec<u8>,
}

/// Starts an import: takes the write lock at once, so the looks before the writes see what the
/// writes will change.
pub(crate) fn begin<'c>(
    conn: &'c mut Connection,
    path: &'c str,
    at: &str,
) -> Result<SqliteIntelImport<'c>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    Ok(SqliteIntelImport {
        tx,
        path,
        at: at.to_string(),
        summary: IntelImportSummary::default(),
        files_unchanged: Cell::new(0),
        delivered: BTreeSet::new(),
        buf: Vec::with_capacity(16 * 1024),
    })
}

/// The model value as the compact JSON of a `doc` column, written into `buf`.
fn encode<'b, T: Serialize>(
    path: &str,
    buf: &'b mut Vec<u8>,
    what: &str,
    id: &str,
    value: &T,
) -> Result<&'b str, StoreError> {
    let failed = |e: &dyn std::fmt::Display| refused(path, format!("{what} `{id}` cannot be encoded: {e}"));
    buf.clear();
    serde_json::to_writer(&mut *buf, value).map_err(|e| failed(&e))?;
    std::str::from_utf8(buf).map_err(|e| failed(&e))
}

impl SqliteIntelImport<'_> {
    fn require_id<'a>(&self, what: &str, id: &'a str) -> Result<&'a str, StoreError> {
        if id.trim().is_empty() {
            return Err(refused(self.path, format!("a {what} record has an empty id")));
        }
        Ok(id)
    }

    /// The stored version under a key; `sql` selects source, the two stamps and the document.
    fn stored(&self, sql: &str, key: impl Params, what: &str) -> Result<Option<Stored>, StoreError> {
        let row = self
            .tx
            .prepare_cached(sql)
            .at(self.path)?
            .query_row(key, |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()
            .at(self.path)?;
        row.map(|(source, s1, s2, doc)| {
            let source = parse_source(&source).ok_or_else(|| StoreError::Corrupt {
                path: self.path.to_string(),
                what: what.to_string(),
                message: format!("unknown source `{source}`"),
            })?;
            Ok(Stored { source, stamps: [s1, s2], doc })
        })
        .transpose()
    }

    fn put_advisory(&mut self, a: &Advisory, buf: &mut Vec<u8>) -> Result<(), StoreError> {
        let id = self.require_id("advisory", &a.id)?;
        let source = a.provenance.source;
        let family = family(source);
        let variant = if source == Source::Cve5Adp { a.provenance.document.as_str() } else { "" };
        let doc = encode(self.path, buf, "advisory", id, a)?;
        let stored = self.stored(
            "SELECT source, modified, revision, doc FROM advisories WHERE family = ?1 AND id = ?2 AND variant = ?3",
            params![family, id, variant],
            &format!("advisory {id}"),
        )?;
        let incoming = Version { doc, stamps: [a.modified.as_deref(), a.provenance.revision.as_deref()], source };
        let verdict = decide(stored.as_ref().map(Stored::version).as_ref(), &incoming);
        self.delivered.insert((source, IntelKind::Advisories));
        let s = &mut self.summary;
        match verdict {
            Verdict::Unchanged => s.advisories_unchanged += 1,
            Verdict::Older => s.advisories_older += 1,
            Verdict::New => s.advisories_new += 1,
            Verdict::Replace => s.advisories_updated += 1,
        }
        if !matches!(verdict, Verdict::New | Verdict::Replace) {
            return Ok(());
        }
        let warnings = i64::try_from(a.warnings.len())
            .map_err(|_| refused(self.path, format!("advisory `{id}` claims {} warnings", a.warnings.len())))?;
        self.tx
            .prepare_cached(
                "INSERT INTO advisories (family, id, variant, source, kind, modified, modified_key, revision, \
                                         rejected, doc, imported_at, warnings) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
                 ON CONFLICT (id, family, variant) DO UPDATE SET source = excluded.source, kind = excluded.kind, \
                     modified = excluded.modified, modified_key = excluded.modified_key, \
                     revision = excluded.revision, rejected = excluded.rejected, doc = excluded.doc, \
                     imported_at = excluded.imported_at, warnings = excluded.warnings, matched = 0",
            )
            .at(self.path)?
            .execute(params![
                family,
                id,
                variant,
                source.as_str(),
                advisory_kind(a.kind),
                a.modified,
                a.modified.as_deref().map(sortable),
                a.provenance.revision,
                a.rejected,
                doc,
                self.at,
                warnings,
            ])
            .at(self.path)?;
        if verdict == Verdict::Replace {
            self.tx
                .prepare_cached("DELETE FROM advisory_aliases WHERE family = ?1 AND id = ?2 AND variant = ?3")
                .at(self.path)?
                .execute(params![family, id, variant])
                .at(self.path)?;
        }
        if !a.aliases.is_empty() {
            let mut stmt = self
                .tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO advisory_aliases (alias, family, id, variant) VALUES (?1, ?2, ?3, ?4)",
                )
                .at(self.path)?;
            for alias in &a.aliases {
                let alias = alias.trim();
                if !alias.is_empty() && !alias.eq_ignore_ascii_case(id) {
                    stmt.execute(params![alias.to_ascii_uppercase(), family, id, variant]).at(self.path)?;
                }
            }
        }
        Ok(())
    }

    /// Counts a KEV, EPSS or SSVC verdict; whether to write.
    fn count_signal(
        &mut self,
        verdict: Verdict,
        new: fn(&mut IntelImportSummary) -> &mut usize,
        updated: fn(&mut IntelImportSummary) -> &mut usize,
    ) -> bool {
        let s = &mut self.summary;
        match verdict {
            Verdict::New => *new(s) += 1,
            Verdict::Replace => *updated(s) += 1,
            Verdict::Unchanged => s.signals_unchanged += 1,
            Verdict::Older => s.signals_older += 1,
        }
        matches!(verdict, Verdict::New | Verdict::Replace)
    }

    fn put_kev(&mut self, k: &KevEntry, buf: &mut Vec<u8>) -> Result<(), StoreError> {
        let cve = self.require_id("KEV", &k.cve)?;
        let source = k.provenance.source;
        let doc = encode(self.path, buf, "KEV entry", cve, k)?;
        let stored = self.stored(
            "SELECT source, revision, NULL, doc FROM kev WHERE cve = ?1 AND source = ?2",
            params![cve, source.as_str()],
            &format!("KEV entry {cve}"),
        )?;
        let incoming = Version { doc, stamps: [k.provenance.revision.as_deref(), None], source };
        let verdict = decide(stored.as_ref().map(Stored::version).as_ref(), &incoming);
        self.delivered.insert((source, IntelKind::Kev));
        if !self.count_signal(verdict, |s| &mut s.kev_new, |s| &mut s.kev_updated) {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "INSERT INTO kev (cve, source, date_added, due_date, ransomware, revision, doc, imported_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (cve, source) DO UPDATE SET date_added = excluded.date_added, \
                     due_date = excluded.due_date, ransomware = excluded.ransomware, revision = excluded.revision, \
                     doc = excluded.doc, imported_at = excluded.imported_at",
            )
            .at(self.path)?
            .execute(params![
                cve,
                source.as_str(),
                k.date_added,
                k.due_date,
                ransomware(k.ransomware),
                k.provenance.revision,
                doc,
                self.at,
            ])
            .at(self.path)?;
        Ok(())
    }

    fn put_epss(&mut self, e: &EpssScore, buf: &mut Vec<u8>) -> Result<(), StoreError> {
        let cve = self.require_id("EPSS", &e.cve)?;
        if !e.score.is_finite() || !e.percentile.is_finite() {
            return Err(refused(self.path, format!("EPSS score of `{cve}` is not a number")));
        }
        let source = e.provenance.source;
        let doc = encode(self.path, buf, "EPSS score", cve, e)?;
        let stored = self.stored(
            "SELECT source, date, NULL, doc FROM epss WHERE cve = ?1",
            params![cve],
            &format!("EPSS score {cve}"),
        )?;
        // The provenance revision is the same score date, with a time.
        let incoming = Version { doc, stamps: [Some(e.date.as_str()), None], source };
        let verdict = decide(stored.as_ref().map(Stored::version).as_ref(), &incoming);
        self.delivered.insert((source, IntelKind::Epss));
        if !self.count_signal(verdict, |s| &mut s.epss_new, |s| &mut s.epss_updated) {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "INSERT INTO epss (cve, source, score, percentile, date, model_version, doc, imported_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (cve) DO UPDATE SET source = excluded.source, score = excluded.score, \
                     percentile = excluded.percentile, date = excluded.date, \
                     model_version = excluded.model_version, doc = excluded.doc, imported_at = excluded.imported_at",
            )
            .at(self.path)?
            .execute(params![cve, source.as_str(), e.score, e.percentile, e.date, e.model_version, doc, self.at])
            .at(self.path)?;
        Ok(())
    }

    fn put_ssvc(&mut self, p: &SsvcPoints, buf: &mut Vec<u8>) -> Result<(), StoreError> {
        let cve = self.require_id("SSVC", &p.cve)?;
        let role = p.role.as_deref().unwrap_or("");
        let source = p.provenance.source;
        let doc = encode(self.path, buf, "SSVC points", cve, p)?;
        let stored = self.stored(
            "SELECT source, timestamp, revision, doc FROM ssvc WHERE cve = ?1 AND role = ?2",
            params![cve, role],
            &format!("SSVC points {cve}"),
        )?;
        let incoming = Version { doc, stamps: [p.timestamp.as_deref(), p.provenance.revision.as_deref()], source };
        let verdict = decide(stored.as_ref().map(Stored::version).as_ref(), &incoming);
        self.delivered.insert((source, IntelKind::Ssvc));
        if !self.count_signal(verdict, |s| &mut s.ssvc_new, |s| &mut s.ssvc_updated) {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "INSERT INTO ssvc (cve, role, source, exploitation, automatable, technical_impact, timestamp, \
                                   revision, doc, imported_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                 ON CONFLICT (cve, role) DO UPDATE SET source = excluded.source, \
                     exploitation = excluded.exploitation, automatable = excluded.automatable, \
                     technical_impact = excluded.technical_impact, timestamp = excluded.timestamp, \
                     revision = excluded.revision, doc = excluded.doc, imported_at = excluded.imported_at",
            )
            .at(self.path)?
            .execute(params![
                cve,
                role,
                source.as_str(),
                p.exploitation.map(exploitation),
                p.automatable,
                p.technical_impact.map(technical_impact),
                p.timestamp,
                p.provenance.revision,
                doc,
                self.at,
            ])
            .at(self.path)?;
        Ok(())
    }
}

impl IntelImport for SqliteIntelImport<'_> {
    fn seen(&self, digest: &str) -> Result<bool, StoreError> {
        let seen = self
            .tx
            .prepare_cached("SELECT 1 FROM intel_files WHERE digest = ?1")
            .at(self.path)?
            .exists([digest.trim().to_ascii_lowercase()])
            .at(self.path)?;
        if seen {
            self.files_unchanged.set(self.files_unchanged.get() + 1);
        }
        Ok(seen)
    }

    fn put(&mut self, record: &IntelRecord) -> Result<(), StoreError> {
        // The buffer is lent to the put so the document can be borrowed while `self` is used.
        let mut buf = std::mem::take(&mut self.buf);
        let done = match record {
            IntelRecord::Advisory(a) => self.put_advisory(a, &mut buf),
            IntelRecord::Kev(k) => self.put_kev(k, &mut buf),
            IntelRecord::Epss(e) => self.put_epss(e, &mut buf),
            IntelRecord::Ssvc(p) => self.put_ssvc(p, &mut buf),
        };
        self.buf = buf;
        done
    }

    fn file_done(&mut self, file: &IntelFile) -> Result<(), StoreError> {
        let digest = file.digest.trim().to_ascii_lowercase();
        if digest.is_empty() {
            return Err(refused(self.path, format!("file {} has no digest", file.file)));
        }
        let records = i64::try_from(file.records)
            .map_err(|_| refused(self.path, format!("file {} claims {} records", file.file, file.records)))?;
        self.tx
            .prepare_cached(
                "INSERT INTO intel_files (digest, file, format, records, imported_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (digest) DO UPDATE SET file = excluded.file, format = excluded.format, \
                     records = excluded.records, imported_at = excluded.imported_at",
            )
            .at(self.path)?
            .execute(params![digest, file.file, file.format, records, self.at])
            .at(self.path)?;
        self.summary.files += 1;
        Ok(())
    }

    fn summary(&self) -> IntelImportSummary {
        IntelImportSummary { files_unchanged: self.files_unchanged.get(), ..self.summary.clone() }
    }

    fn commit(self: Box<Self>) -> Result<IntelImportSummary, StoreError> {
        let summary = self.summary();
        {
            let mut stmt = self
                .tx
                .prepare_cached(
                    "INSERT INTO intel_source_imports (source, kind, last_import) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (source, kind) DO UPDATE SET last_import = excluded.last_import",
                )
                .at(self.path)?;
            for (source, kind) in &self.delivered {
                stmt.execute(params![source.as_str(), kind.as_str(), self.at]).at(self.path)?;
            }
        }
        self.tx.commit().at(self.path)?;
        Ok(summary)
    }
}
