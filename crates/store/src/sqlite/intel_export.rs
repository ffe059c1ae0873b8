//! Exporting intelligence: every stored record (or those about some ids) read back from the `doc`
//! columns and streamed to a visitor, one row at a time, in key order. Used to write intelligence
//! bundles. Nothing here writes; the caller holds a read transaction so the four tables are read
//! in one snapshot.

use model::advisory::{Advisory, EpssScore, IntelRecord, KevEntry, SsvcPoints};
use rusqlite::Connection;
use serde::de::DeserializeOwned;

use super::At;
use crate::StoreError;

/// One kind of record: its query unfiltered and filtered by a JSON array of ids (`?1`), both in
/// key order, and how a decoded document becomes a record.
struct Kind {
    what: &'static str,
    all: &'static str,
    filtered: &'static str,
    record: fn(&str, &str, &str) -> Result<IntelRecord, StoreError>,
}

fn decode<T: DeserializeOwned>(path: &str, what: &str, doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(|e| StoreError::Corrupt {
        path: path.to_string(),
        what: what.to_string(),
        message: e.to_string(),
    })
}

// Ids compare case-insensitively: `id`, `alias` and `cve` are `COLLATE NOCASE` columns, and the
// collation of the left operand of `IN` applies. Aliases are the way from a CVE to the advisories
// covering it, as in `intel_read::lookup`.
const KINDS: [Kind; 4] = [
    Kind {
        what: "advisory",
        all: "SELECT doc FROM advisories ORDER BY id, family, variant",
        filtered: "SELECT doc FROM advisories WHERE (id, family, variant) IN ( \
                       SELECT id, family, variant FROM advisories WHERE id IN (SELECT value FROM json_each(?1)) \
                       UNION \
                       SELECT id, family, variant FROM advisory_aliases \
                           WHERE alias IN (SELECT value FROM json_each(?1))) \
                   ORDER BY id, family, variant",
        record: |path, what, doc| Ok(IntelRecord::Advisory(Box::new(decode::<Advisory>(path, what, doc)?))),
    },
    Kind {
        what: "KEV entry",
        all: "SELECT doc FROM kev ORDER BY cve, source",
        filtered: "SELECT doc FROM kev WHERE cve IN (SELECT value FROM json_each(?1)) ORDER BY cve, source",
        record: |path, what, doc| Ok(IntelRecord::Kev(decode::<KevEntry>(path, what, doc)?)),
    },
    Kind {
        what: "EPSS score",
        all: "SELECT doc FROM epss ORDER BY cve",
        filtered: "SELECT doc FROM epss WHERE cve IN (SELECT value FROM json_each(?1)) ORDER BY cve",
        record: |path, what, doc| Ok(IntelRecord::Epss(decode::<EpssScore>(path, what, doc)?)),
    },
    Kind {
        what: "SSVC points",
        all: "SELECT doc FROM ssvc ORDER BY cve, role",
        filtered: "SELECT doc FROM ssvc WHERE cve IN (SELECT value FROM json_each(?1)) ORDER BY cve, role",
        record: |path, what, doc| Ok(IntelRecord::Ssvc(decode::<SsvcPoints>(path, what, doc)?)),
    },
];

/// See [`crate::Store::intel_export`].
pub(crate) fn export(
    conn: &Connection,
    path: &str,
    filter: Option<&[String]>,
    visit: &mut dyn FnMut(IntelRecord) -> Result<(), StoreError>,
) -> Result<usize, StoreError> {
    let ids = filter.map(|ids| {
        let ids: Vec<&str> = ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        serde_json::Value::from(ids).to_string()
    });
    let mut n = 0;
    for kind in &KINDS {
        // Not the statement cache: an export runs once, and its statements would push out the ones
        // imports and lookups reuse.
        let mut stmt = conn.prepare(if ids.is_some() { kind.filtered } else { kind.all }).at(path)?;
        let mut rows = match &ids {
            Some(ids) => stmt.query([ids]).at(path)?,
            None => stmt.query([]).at(path)?,
        };
        while let Some(row) = rows.next().at(path)? {
            let doc = row.get_ref(0).and_then(|v| Ok(v.as_str()?)).at(path)?;
            visit((kind.record)(path, kind.what, doc)?)?;
            n += 1;
        }
    }
    Ok(n)
}
