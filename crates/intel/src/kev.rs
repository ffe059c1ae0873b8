//! The CISA Known Exploited Vulnerabilities catalog, as JSON (`known_exploited_vulnerabilities.json`)
//! or CSV (`known_exploited_vulnerabilities.csv`), into [`KevEntry`] records.
//!
//! Both readers stream: the JSON reader walks the `vulnerabilities` array with a serde visitor and
//! hands each entry to the sink as soon as it is read; the CSV reader goes row by row. The two
//! formats give identical entries except for the provenance revision (the CSV carries no
//! `catalogVersion`). Empty text fields become `None` in both, so they compare equal.
//!
//! This module must never hold the whole catalog as one value, and never guess a date: an entry
//! without a readable `cveID` or `dateAdded` is an error naming the entry.

use std::fmt;
use std::io::{BufReader, Read};

use model::advisory::{IntelRecord, KevEntry, Provenance, RansomwareUse, Source};
use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::{DocumentInfo, IntelError, ReadSummary, Sink};

/// The document id every KEV record carries; the catalog version is its revision.
pub const DOCUMENT: &str = "cisa-kev";

/// Reads the JSON catalog, streaming the `vulnerabilities` array into the sink.
///
/// The provenance revision is `catalogVersion`. Should that key come after the array (the
/// published file puts it first), the entries are held back until the end of the object so that
/// every record carries it.
pub fn read_json<R: Read>(r: R, doc: &DocumentInfo, sink: &mut Sink) -> Result<ReadSummary, IntelError> {
    let mut state = State {
        doc,
        sink,
        version: None,
        count: None,
        held: Vec::new(),
        summary: ReadSummary::default(),
        index: None,
        failure: None,
        seen_entries: false,
    };
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(r));
    let parsed = Catalog { state: &mut state }.deserialize(&mut de).and_then(|()| de.end());
    if let Some(failure) = state.failure.take() {
        return Err(failure);
    }
    if let Err(e) = parsed {
        return Err(json_error(&doc.file, e, state.index));
    }
    if !state.seen_entries {
        return Err(invalid(&doc.file, "$.vulnerabilities", "missing; expected the array of catalog entries"));
    }
    let held = std::mem::take(&mut state.held);
    for (i, raw) in held.into_iter().enumerate() {
        state.emit(raw, i)?;
    }
    if state.version.is_none() {
        state.summary.warnings.push(format!("{}: no catalogVersion; records carry no revision", doc.file));
    }
    if let Some(count) = state.count
        && count != state.summary.records as u64
    {
        state
            .summary
            .warnings
            .push(format!("{}: $.count says {count} entries, the array holds {}", doc.file, state.summary.records));
    }
    Ok(state.summary)
}

/// Reads the CSV catalog row by row. Columns are found by header name; `cveID` and `dateAdded`
/// are required. `cwes` is a comma-separated list. The CSV has no catalog version, so the
/// provenance revision is `None`.
pub fn read_csv<R: Read>(r: R, doc: &DocumentInfo, sink: &mut Sink) -> Result<ReadSummary, IntelError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(r);
    let headers = rdr.headers().map_err(|e| csv_error(&doc.file, e))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name);
    let required = |name: &str| {
        column(name).ok_or_else(|| invalid(&doc.file, "line 1", &format!("missing column `{name}` in the header")))
    };
    let cols = Columns {
        cve: required("cveID")?,
        date_added: required("dateAdded")?,
        vendor_project: column("vendorProject"),
        product: column("product"),
        name: column("vulnerabilityName"),
        description: column("shortDescription"),
        required_action: column("requiredAction"),
        due_date: column("dueDate"),
        ransomware: column("knownRansomwareCampaignUse"),
        notes: column("notes"),
        cwes: column("cwes"),
    };
    let provenance = doc.provenance(Source::Kev, DOCUMENT, None);
    let mut summary = ReadSummary::default();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&doc.file, e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::to_string);
        let raw = RawEntry {
            cve_id: get(Some(cols.cve)),
            vendor_project: get(cols.vendor_project),
            product: get(cols.product),
            vulnerability_name: get(cols.name),
            date_added: get(Some(cols.date_added)),
            short_description: get(cols.description),
            required_action: get(cols.required_action),
            due_date: get(cols.due_date),
            known_ransomware_campaign_use: get(cols.ransomware),
            notes: get(cols.notes),
            cwes: get(cols.cwes).map(|c| c.split(',').map(str::to_string).collect()),
        };
        let place = |field: &str| format!("line {line} ({field})");
        let entry = entry(raw, provenance.clone(), &doc.file, &place, &mut summary.warnings)?;
        sink(IntelRecord::Kev(entry))?;
        summary.records += 1;
    }
    Ok(summary)
}

/// Column positions of the CSV header.
struct Columns {
    cve: usize,
    date_added: usize,
    vendor_project: Option<usize>,
    product: Option<usize>,
    name: Option<usize>,
    description: Option<usize>,
    required_action: Option<usize>,
    due_date: Option<usize>,
    ransomware: Option<usize>,
    notes: Option<usize>,
    cwes: Option<usize>,
}

/// One catalog entry as published, every field optional so that a missing one is reported with
/// its place rather than as a bare serde message.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: Option<String>,
    vendor_project: Option<String>,
    product: Option<String>,
    vulnerability_name: Option<String>,
    date_added: Option<String>,
    short_description: Option<String>,
    required_action: Option<String>,
    due_date: Option<String>,
    known_ransomware_campaign_use: Option<String>,
    notes: Option<String>,
    cwes: Option<Vec<String>>,
}

/// Turns a raw entry into the model's entry; `place(field)` says where the entry is.
fn entry(
    raw: RawEntry,
    provenance: Provenance,
    file: &str,
    place: &dyn Fn(&str) -> String,
    warnings: &mut Vec<String>,
) -> Result<KevEntry, IntelError> {
    let cve = text(raw.cve_id).ok_or_else(|| invalid(file, &place("cveID"), "missing; every entry names its CVE"))?;
    let date_added =
        text(raw.date_added).ok_or_else(|| invalid(file, &place("dateAdded"), "missing; expected YYYY-MM-DD"))?;
    if !is_date(&date_added) {
        return Err(invalid(file, &place("dateAdded"), &format!("`{date_added}` is not a YYYY-MM-DD date")));
    }
    let due_date = text(raw.due_date);
    if let Some(due) = &due_date
        && !is_date(due)
    {
        return Err(invalid(file, &place("dueDate"), &format!("`{due}` is not a YYYY-MM-DD date")));
    }
    let ransomware = match text(raw.known_ransomware_campaign_use) {
        Some(v) if v.eq_ignore_ascii_case("known") => RansomwareUse::Known,
        Some(v) if v.eq_ignore_ascii_case("unknown") => RansomwareUse::Unknown,
        None => RansomwareUse::Unknown,
        Some(v) => {
            warnings.push(format!(
                "{file}: {}: knownRansomwareCampaignUse `{v}` is neither Known nor Unknown; read as Unknown",
                place("knownRansomwareCampaignUse")
            ));
            RansomwareUse::Unknown
        }
    };
    let cwes = raw.cwes.unwrap_or_default().into_iter().filter_map(|c| text(Some(c))).collect();
    Ok(KevEntry {
        cve,
        vendor_project: text(raw.vendor_project),
        product: text(raw.product),
        name: text(raw.vulnerability_name),
        date_added,
        due_date,
        required_action: text(raw.required_action),
        ransomware,
        description: text(raw.short_description),
        notes: text(raw.notes),
        cwes,
        provenance,
    })
}

/// Trimmed, and `None` when empty.
fn text(s: Option<String>) -> Option<String> {
    let s = s?;
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(t.to_string())
    }
}

/// `YYYY-MM-DD` (shape only; the catalog is not the place to validate calendars).
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

fn invalid(file: &str, place: &str, message: &str) -> IntelError {
    IntelError::Invalid { file: file.to_string(), place: place.to_string(), message: message.to_string() }
}

/// A serde_json error as an [`IntelError`]: IO problems as `Read`, the rest as `Invalid` at the
/// line and column serde reports (and the entry index when inside the array).
fn json_error(file: &str, e: serde_json::Error, index: Option<usize>) -> IntelError {
    if e.is_io() {
        return IntelError::Read { file: file.to_string(), source: e.into() };
    }
    let position = format!("line {} column {}", e.line(), e.column());
    let place = match index {
        Some(i) => format!("$.vulnerabilities[{i}] ({position})"),
        None => position,
    };
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    IntelError::Invalid { file: file.to_string(), place, message }
}

fn csv_error(file: &str, e: csv::Error) -> IntelError {
    crate::csv_error(file, e, 0, "header")
}

/// What the JSON visitor carries while walking the catalog object.
struct State<'s, 'a> {
    doc: &'s DocumentInfo,
    sink: &'s mut Sink<'a>,
    version: Option<String>,
    count: Option<u64>,
    /// Entries read before `catalogVersion` was seen.
    held: Vec<RawEntry>,
    summary: ReadSummary,
    /// The array index being read, for error places.
    index: Option<usize>,
    /// A reader or sink error raised inside the visitor (serde can only carry its own errors).
    failure: Option<IntelError>,
    seen_entries: bool,
}

impl State<'_, '_> {
    fn emit(&mut self, raw: RawEntry, index: usize) -> Result<(), IntelError> {
        let provenance = self.doc.provenance(Source::Kev, DOCUMENT, self.version.clone());
        let place = |field: &str| format!("$.vulnerabilities[{index}].{field}");
        let entry = entry(raw, provenance, &self.doc.file, &place, &mut self.summary.warnings)?;
        (self.sink)(IntelRecord::Kev(entry))?;
        self.summary.records += 1;
        Ok(())
    }
}

/// The top-level catalog object.
struct Catalog<'x, 's, 'a> {
    state: &'x mut State<'s, 'a>,
}

impl<'de> DeserializeSeed<'de> for Catalog<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Catalog<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the KEV catalog object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "catalogVersion" => self.state.version = map.next_value::<Option<String>>()?,
                "count" => self.state.count = map.next_value::<Option<u64>>()?,
                "vulnerabilities" => {
                    self.state.seen_entries = true;
                    map.next_value_seed(Entries { state: &mut *self.state })?;
                    self.state.index = None;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `vulnerabilities` array: each element goes to the sink as soon as it is read.
struct Entries<'x, 's, 'a> {
    state: &'x mut State<'s, 'a>,
}

impl<'de> DeserializeSeed<'de> for Entries<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of KEV entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.state.index = Some(index);
            let Some(raw) = seq.next_element::<RawEntry>()? else { break };
            if self.state.version.is_none() {
                self.state.held.push(raw);
            } else if let Err(e) = self.state.emit(raw, index) {
                self.state.failure = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
            index += 1;
        }
        Ok(())
    }
}
