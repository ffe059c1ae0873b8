//! SSVC decision tables as data: `data/*.tsv`, the CERT/CC tables written in Patchwise's own form
//! (one row per combination of inputs, canonical spellings), each naming its source. Every value
//! of a decision point has a rank, so outcomes can be compared and monotonicity checked.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The ordered values of every decision point the tables use, lowest first.
pub const POINTS: &[(&str, &[&str])] = &[
    ("exploitation", &["none", "public-poc", "active"]),
    ("system-exposure", &["small", "controlled", "open"]),
    ("automatable", &["no", "yes"]),
    ("human-impact", &["low", "medium", "high", "very-high"]),
    ("priority", &["defer", "scheduled", "out-of-cycle", "immediate"]),
    ("safety-impact", &["negligible", "marginal", "critical", "catastrophic"]),
    ("mission-impact", &["degraded", "mef-support-crippled", "mef-failure", "mission-failure"]),
    ("technical-impact", &["partial", "total"]),
    ("mission-and-well-being", &["low", "medium", "high"]),
    ("cisa-level", &["track", "track*", "attend", "act"]),
    ("in-kev", &["no", "yes"]),
    ("publicly-exposed", &["no", "yes"]),
    ("timeline", &["fix-on-system-upgrade", "60-days", "14-days", "3-days", "3-days-and-forensic-investigation"]),
];

/// The values of a decision point, lowest first.
pub fn values(point: &str) -> Option<&'static [&'static str]> {
    POINTS.iter().find(|(p, _)| *p == point).map(|(_, v)| *v)
}

/// The rank of a value of a decision point.
pub fn rank(point: &str, value: &str) -> Option<usize> {
    values(point)?.iter().position(|v| *v == value)
}

/// One decision table.
#[derive(Debug, Clone)]
pub struct Table {
    /// `ssvc-deployer`, `ssvc-human-impact`, `cisa-coordinator`, `cisa-bod-26-04`.
    pub id: &'static str,
    pub version: &'static str,
    /// Decision points, in column order.
    pub inputs: Vec<String>,
    pub outcome: String,
    rows: Vec<(Vec<String>, String)>,
    index: HashMap<Vec<String>, usize>,
    /// The outcome's row per combination, by mixed-radix position of the inputs' ranks.
    dense: Vec<u32>,
    /// The number of values of each input.
    radix: Vec<usize>,
}

impl Table {
    /// Reads a table file: `#` comment lines, a header naming the inputs and the outcome, then
    /// one row per combination. Every value must be one of its decision point's; every
    /// combination must appear exactly once.
    pub fn parse(id: &'static str, version: &'static str, text: &str) -> Result<Table, String> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
        let (_, header) = lines.next().ok_or_else(|| format!("table {id}: no header"))?;
        let mut cols: Vec<String> = header.split('\t').map(str::to_string).collect();
        let outcome = cols.pop().ok_or_else(|| format!("table {id}: empty header"))?;
        for c in cols.iter().chain(std::iter::once(&outcome)) {
            if values(c).is_none() {
                return Err(format!("table {id}: unknown decision point `{c}`"));
            }
        }
        let radix: Vec<usize> = cols.iter().filter_map(|c| values(c)).map(<[&str]>::len).collect();
        let mut t = Table {
            id,
            version,
            inputs: cols,
            outcome,
            rows: Vec::new(),
            index: HashMap::new(),
            dense: Vec::new(),
            radix,
        };
        for (n, line) in lines {
            let cells: Vec<&str> = line.split('\t').collect();
            if cells.len() != t.inputs.len() + 1 {
                return Err(format!(
                    "table {id} line {}: {} cells, expected {}",
                    n + 1,
                    cells.len(),
                    t.inputs.len() + 1
                ));
            }
            for (c, v) in t.inputs.iter().chain(std::iter::once(&t.outcome)).zip(&cells) {
                if rank(c, v).is_none() {
                    return Err(format!("table {id} line {}: `{v}` is not a value of {c}", n + 1));
                }
            }
            let key: Vec<String> = cells[..t.inputs.len()].iter().map(|s| s.to_string()).collect();
            if t.index.insert(key.clone(), t.rows.len()).is_some() {
                return Err(format!("table {id} line {}: the same inputs twice", n + 1));
            }
            t.rows.push((key, cells[t.inputs.len()].to_string()));
        }
        let combinations: usize = t.radix.iter().product();
        if t.rows.len() != combinations {
            return Err(format!("table {id}: {} rows, but its inputs have {combinations} combinations", t.rows.len()));
        }
        t.dense = vec![0; combinations];
        for (i, (key, _)) in t.rows.iter().enumerate() {
            let values: Vec<&str> = key.iter().map(String::as_str).collect();
            if let Some(pos) = t.position(&values) {
                t.dense[pos] = i as u32;
            }
        }
        Ok(t)
    }

    fn position(&self, values: &[&str]) -> Option<usize> {
        if values.len() != self.inputs.len() {
            return None;
        }
        let mut pos = 0usize;
        for ((point, v), radix) in self.inputs.iter().zip(values).zip(&self.radix) {
            pos = pos * radix + rank(point, v)?;
        }
        Some(pos)
    }

    /// The outcome for these input values (in column order); no allocation.
    pub fn lookup(&self, values: &[&str]) -> Option<&str> {
        let pos = self.position(values)?;
        self.dense.get(pos).map(|&i| self.rows[i as usize].1.as_str())
    }

    /// Every row: (inputs, outcome).
    pub fn rows(&self) -> impl Iterator<Item = (&[String], &str)> {
        self.rows.iter().map(|(k, o)| (k.as_slice(), o.as_str()))
    }

    /// `ssvc-deployer 1.0.0`.
    pub fn name(&self) -> String {
        format!("{} {}", self.id, self.version)
    }
}

fn load(id: &'static str, version: &'static str, text: &str) -> Table {
    // The files are part of the binary and checked by the tests; a broken one is a build defect.
    match Table::parse(id, version, text) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

/// SSVC Deployer patch application priority 1.0.0.
pub static DEPLOYER: LazyLock<Table> =
    LazyLock::new(|| load("ssvc-deployer", "1.0.0", include_str!("../data/deployer-patch-priority-1.0.0.tsv")));
/// SSVC Human Impact 2.0.2 from safety and mission impact (table 1.0.0).
pub static HUMAN_IMPACT: LazyLock<Table> =
    LazyLock::new(|| load("ssvc-human-impact", "1.0.0", include_str!("../data/human-impact-1.0.0.tsv")));
/// CISA coordinator decision 2.0.3.
pub static CISA_COORDINATOR: LazyLock<Table> =
    LazyLock::new(|| load("cisa-coordinator", "2.0.3", include_str!("../data/cisa-coordinator-2.0.3.tsv")));
/// CISA BOD 26-04 remediation timelines 1.0.0.
pub static BOD_26_04: LazyLock<Table> =
    LazyLock::new(|| load("cisa-bod-26-04", "1.0.0", include_str!("../data/cisa-bod-26-04-1.0.0.tsv")));
