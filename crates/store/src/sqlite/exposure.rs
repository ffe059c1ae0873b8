//! What the exposure stage reads and writes: open findings with their CVSS vectors, observed
//! flows, and conduit rules replaced by a firewall import.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, TransactionBehavior, params};

use model::advisory::CvssVector;
use model::{Conduit, Confidence, Flow, Plant, PlantDiff, RecordKind};

use super::{At, write};
use crate::{ExposureFinding, ImportSource, StoreError};

/// Open findings at `min` confidence or more, one per asset and vulnerability (the most
/// confident slot), each with every CVSS vector any stored advisory about the vulnerability has.
pub(crate) fn findings(conn: &Connection, path: &str, min: Confidence) -> Result<Vec<ExposureFinding>, StoreError> {
    let rank = Confidence::ALL.iter().position(|c| *c == min).unwrap_or(0) as i64;
    let mut stmt = conn
        .prepare_cached(
            "SELECT ap.asset_id, v.vulnerability, max(v.confidence_rank), \
             EXISTS (SELECT 1 FROM kev k WHERE k.cve = v.vulnerability) \
             FROM verdicts v JOIN asset_platforms ap ON ap.platform = v.platform \
             WHERE v.status IN ('affected', 'under-investigation') AND v.confidence_rank >= ?1 \
             GROUP BY ap.asset_id, v.vulnerability ORDER BY ap.asset_id, v.vulnerability",
        )
        .at(path)?;
    let mut rows = stmt.query([rank]).at(path)?;
    let mut out = Vec::new();
    let mut vulns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    while let Some(r) = rows.next().at(path)? {
        let asset: String = r.get(0).at(path)?;
        let vulnerability: String = r.get(1).at(path)?;
        let rank: i64 = r.get(2).at(path)?;
        let kev: bool = r.get(3).at(path)?;
        let confidence = Confidence::ALL.get(rank.max(0) as usize).copied().unwrap_or(Confidence::Low);
        vulns.entry(vulnerability.clone()).or_default();
        out.push(ExposureFinding { asset, vulnerability, confidence, kev, vectors: Vec::new() });
    }
    #[derive(serde::Deserialize)]
    struct Vectors {
        #[serde(default)]
        cvss: Vec<CvssVector>,
    }
    let mut docs = conn
        .prepare_cached(
            "SELECT doc FROM advisories WHERE id = ?1 \
             UNION ALL SELECT a.doc FROM advisory_aliases x \
             JOIN advisories a ON a.id = x.id AND a.family = x.family AND a.variant = x.variant \
             WHERE x.alias = ?1 AND a.id <> ?1",
        )
        .at(path)?;
    for (vuln, vectors) in vulns.iter_mut() {
        let mut rows = docs.query([vuln]).at(path)?;
        while let Some(r) = rows.next().at(path)? {
            let doc: String = r.get(0).at(path)?;
            // Only the vectors are read; a document that does not decode has none to give.
            if let Ok(v) = serde_json::from_str::<Vectors>(&doc) {
                // A multi-vulnerability document (CSAF) says which score is whose: only this
                // vulnerability's count.
                for c in v.cvss {
                    let ours = c.vulnerability.as_ref().is_none_or(|x| x.eq_ignore_ascii_case(vuln));
                    if ours && !vectors.contains(&c.vector) {
                        vectors.push(c.vector);
                    }
                }
            }
        }
    }
    for f in &mut out {
        if let Some(v) = vulns.get(&f.vulnerability) {
            f.vectors = v.clone();
        }
    }
    Ok(out)
}

pub(crate) fn flows(conn: &Connection, path: &str) -> Result<Vec<Flow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT src, dst, protocol, port, source, first_seen, last_seen, count FROM flows \
             ORDER BY src, dst, protocol, port, source",
        )
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().at(path)? {
        let text = |i: usize| -> Result<String, StoreError> { r.get::<_, String>(i).at(path) };
        let bad = |what: &str, v: &str| StoreError::Corrupt {
            path: path.to_string(),
            what: "flows".into(),
            message: format!("flow {what} `{v}`"),
        };
        let (src, dst, proto) = (text(0)?, text(1)?, text(2)?);
        out.push(Flow {
            src: src.parse().map_err(|_| bad("address", &src))?,
            dst: dst.parse().map_err(|_| bad("address", &dst))?,
            protocol: proto.parse().map_err(|_| bad("protocol", &proto))?,
            port: u16::try_from(r.get::<_, i64>(3).at(path)?).map_err(|_| bad("port", "out of range"))?,
            source: text(4)?,
            first_seen: r.get(5).at(path)?,
            last_seen: r.get(6).at(path)?,
            count: u64::try_from(r.get::<_, i64>(7).at(path)?).unwrap_or(0),
        });
    }
    Ok(out)
}

/// Stores flows in one transaction; returns how many rows were new or changed.
pub(crate) fn import_flows(
    conn: &mut Connection,
    path: &str,
    flows: &[Flow],
    source: &ImportSource,
) -> Result<usize, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    let mut changed = 0;
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO flows (src, dst, protocol, port, source, first_seen, last_seen, count) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (src, dst, protocol, port, source) DO UPDATE SET \
                 first_seen = excluded.first_seen, last_seen = excluded.last_seen, count = excluded.count \
                 WHERE first_seen IS NOT excluded.first_seen OR last_seen IS NOT excluded.last_seen \
                 OR count IS NOT excluded.count",
            )
            .at(path)?;
        for f in flows {
            changed += stmt
                .execute(params![
                    f.src.to_string(),
                    f.dst.to_string(),
                    f.protocol.as_str(),
                    i64::from(f.port),
                    f.source,
                    f.first_seen,
                    f.last_seen,
                    i64::try_from(f.count).unwrap_or(i64::MAX),
                ])
                .at(path)?;
        }
    }
    write::log_import_counts(&tx, path, source, changed, 0, 0)?;
    tx.commit().at(path)?;
    Ok(changed)
}

/// Replaces stored conduits (their rules) in one transaction; every conduit must exist.
pub(crate) fn replace_conduits(
    conn: &mut Connection,
    path: &str,
    conduits: &[Conduit],
    source: &ImportSource,
) -> Result<PlantDiff, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).at(path)?;
    let stored: Vec<Conduit> = super::read::docs(&tx, path, super::read::Table::Conduits)?;
    let by_id: HashMap<&str, &Conduit> = stored.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut old = Plant::default();
    for c in conduits {
        match by_id.get(c.id.as_str()) {
            Some(o) if o.zones == c.zones => old.conduits.push((*o).clone()),
            Some(o) => {
                return Err(write::refused(
                    path,
                    format!("conduit `{}` joins {} and {}; a rule import cannot move it", c.id, o.zones[0], o.zones[1]),
                ));
            }
            None => return Err(write::refused(path, format!("no conduit `{}` is stored", c.id))),
        }
    }
    let new = Plant { conduits: conduits.to_vec(), ..Plant::default() };
    let diff = model::plant_diff(&old, &new);
    for ch in diff.changed.iter().filter(|c| c.kind == RecordKind::Conduit) {
        if let Some(c) = conduits.iter().find(|c| c.id == ch.id) {
            write::put_conduit(&tx, path, c)?;
        }
    }
    write::log_import(&tx, path, source, &diff)?;
    write::bump_plant_version(&tx, path, &diff)?;
    tx.commit().at(path)?;
    Ok(diff)
}

/// The plant version, the last match run and the last import (flows are logged as imports).
pub(crate) fn data_version(conn: &Connection, path: &str) -> Result<String, StoreError> {
    let (plant, run): (i64, Option<String>) = conn
        .query_row("SELECT plant_version, last_run FROM match_state WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .at(path)?;
    let imports: i64 = conn.query_row("SELECT coalesce(max(rowid), 0) FROM imports", [], |r| r.get(0)).at(path)?;
    let decided: i64 =
        conn.query_row("SELECT coalesce(max(seq), 0) FROM decision_history", [], |r| r.get(0)).at(path)?;
    // Controls change what reaches what: a digest of their documents (a small table).
    let controls: String =
        conn.query_row("SELECT coalesce(group_concat(doc, char(10)), '') FROM controls", [], |r| r.get(0)).at(path)?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&controls, &mut h);
    Ok(format!("{plant}/{}/{imports}/{decided}/{:x}", run.unwrap_or_default(), std::hash::Hasher::finish(&h)))
}

/// KEV, SSVC and EPSS of the vulnerabilities of open findings.
pub(crate) fn decision_signals(conn: &Connection, path: &str) -> Result<Vec<crate::VulnSignals>, StoreError> {
    const OPEN: &str =
        "SELECT DISTINCT vulnerability FROM verdicts WHERE status IN ('affected', 'under-investigation')";
    let mut out: BTreeMap<String, crate::VulnSignals> = BTreeMap::new();
    fn entry<'m>(out: &'m mut BTreeMap<String, crate::VulnSignals>, cve: &str) -> &'m mut crate::VulnSignals {
        let key = cve.to_ascii_uppercase();
        out.entry(key.clone()).or_insert_with(|| crate::VulnSignals { vulnerability: key, ..Default::default() })
    }
    let mut stmt = conn
        .prepare(&format!(
            "SELECT cve, min(date_added), max(ransomware = 'known') FROM kev WHERE cve IN ({OPEN}) GROUP BY cve COLLATE NOCASE"
        ))
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    while let Some(r) = rows.next().at(path)? {
        let cve: String = r.get(0).at(path)?;
        let date: String = r.get(1).at(path)?;
        let ransomware: bool = r.get(2).at(path)?;
        entry(&mut out, &cve).kev = Some((date, ransomware));
    }
    // The CISA coordinator's points first, then any other role's.
    let mut stmt = conn
        .prepare(&format!(
            "SELECT cve, role, source, exploitation, automatable, technical_impact, timestamp FROM ssvc \
             WHERE cve IN ({OPEN}) ORDER BY cve, role <> 'CISA Coordinator', role"
        ))
        .at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    while let Some(r) = rows.next().at(path)? {
        let cve: String = r.get(0).at(path)?;
        let e = entry(&mut out, &cve);
        if e.ssvc.is_some() {
            continue;
        }
        let role: String = r.get(1).at(path)?;
        let source: String = r.get(2).at(path)?;
        let stamp: Option<String> = r.get(6).at(path)?;
        let who = if role.is_empty() { source } else { format!("{role} ({source})") };
        let label = match stamp {
            Some(t) => format!("{who} {t}"),
            None => who,
        };
        e.ssvc = Some((r.get(3).at(path)?, r.get::<_, Option<bool>>(4).at(path)?, r.get(5).at(path)?, label));
    }
    let mut stmt =
        conn.prepare(&format!("SELECT cve, score, percentile, date FROM epss WHERE cve IN ({OPEN})")).at(path)?;
    let mut rows = stmt.query([]).at(path)?;
    while let Some(r) = rows.next().at(path)? {
        let cve: String = r.get(0).at(path)?;
        entry(&mut out, &cve).epss = Some((r.get(1).at(path)?, r.get(2).at(path)?, r.get(3).at(path)?));
    }
    Ok(out.into_values().collect())
}
