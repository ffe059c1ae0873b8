//! Spreadsheet asset inventories: a CSV export (comma, semicolon or tab separated, UTF-8 with or
//! without BOM, or Windows-1252) to [`model::Asset`]s, row by row (docs/asset-csv.md).
//!
//! The file is streamed, never loaded whole. Headers are matched loosely (case, spaces,
//! underscores and punctuation do not matter) against the documented column names and the aliases
//! real plant spreadsheets use; unknown columns are reported as ignored, never guessed at. A row
//! that cannot be read whole is rejected with its line, column and reason; the other rows are
//! still read. This module never writes anything and never panics on bad input.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::net::IpAddr;

use model::{
    Asset, AssetKind, BadValue, Date, Identity, IpNet, MacAddr, MissionImpact, Origin, Plant, SafetyImpact, Support,
    SupportStatus,
};

/// Rejected rows kept; the rest are counted.
const MAX_REJECTED: usize = 1000;

/// The outcome of reading one CSV inventory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvImport {
    /// The file as named in messages.
    pub file: String,
    /// Assets from the rows that were read whole, in file order, with origin [`Origin::Csv`].
    pub assets: Vec<Asset>,
    /// Rows that were not imported, with the reason, in file order (at most 1000).
    pub rejected: Vec<RowError>,
    /// Rejected rows beyond those kept in `rejected`.
    pub more_rejected: usize,
    /// Columns that were not used.
    pub ignored_columns: Vec<IgnoredColumn>,
    /// Remarks about the file as a whole (its encoding, for example).
    pub notes: Vec<String>,
}

/// Why a row was not imported: `FILE:LINE: COLUMN: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {}{message}", column_prefix(.column_name.as_deref()))]
pub struct RowError {
    /// The file as named in messages.
    pub file: String,
    /// 1-based line where the row starts (the header is line 1).
    pub line: u64,
    /// The column as its header is written in the file.
    pub column_name: Option<String>,
    pub message: String,
}

fn column_prefix(c: Option<&str>) -> String {
    c.map(|c| format!("{c}: ")).unwrap_or_default()
}

/// Why a whole file cannot be imported; nothing from it should be used.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The header row names no usable columns.
    #[error("{file}:1: {message}")]
    Header { file: String, message: String },
    /// Reading failed part-way (an IO error): the rows read so far are not the whole file.
    #[error("{file}:{line}: cannot read the file: {source}")]
    Read {
        file: String,
        line: u64,
        #[source]
        source: csv::Error,
    },
}

/// A column the import does not use; displayed as its header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}")]
pub struct IgnoredColumn {
    /// The header as written in the file.
    pub name: String,
    pub reason: String,
}

impl CsvImport {
    /// Whether every row was imported.
    pub fn is_clean(&self) -> bool {
        self.rejected.is_empty() && self.more_rejected == 0
    }

    fn reject(&mut self, e: RowError) {
        if self.rejected.len() < MAX_REJECTED {
            self.rejected.push(e);
        } else {
            self.more_rejected += 1;
        }
    }
}

/// A report for people: a summary line, then one line per rejected row, ignored column and note.
impl fmt::Display for CsvImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rejected = self.rejected.len() + self.more_rejected;
        writeln!(f, "{}: {} assets read, {rejected} rows rejected", self.file, self.assets.len())?;
        for r in &self.rejected {
            writeln!(f, "{r}")?;
        }
        if self.more_rejected > 0 {
            writeln!(f, "{}: {} more rejected rows not shown", self.file, self.more_rejected)?;
        }
        for c in &self.ignored_columns {
            writeln!(f, "{}: ignored column `{}`: {}", self.file, c.name, c.reason)?;
        }
        for n in &self.notes {
            writeln!(f, "{}: {n}", self.file)?;
        }
        Ok(())
    }
}

/// The columns the import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Id,
    Name,
    Zone,
    Kind,
    Ip,
    Mac,
    Vendor,
    Product,
    Model,
    HardwareVersion,
    Firmware,
    Os,
    Serial,
    Owner,
    Line,
    Location,
    MissionImpact,
    SafetyImpact,
    RedundancyGroup,
    Support,
    EndOfLife,
    Tags,
    Description,
}

/// Header spellings, compared after [`header_key`]: the documented name first, then aliases.
const COLUMNS: &[(Field, &[&str])] = &[
    (Field::Id, &["id", "assetid", "tag", "assettag", "tagnumber", "assetnumber"]),
    (Field::Name, &["name", "hostname", "devicename", "assetname"]),
    (Field::Zone, &["zone", "networkzone", "securityzone", "zoneid"]),
    (Field::Kind, &["kind", "devicetype", "assettype", "assetkind"]),
    (Field::Ip, &["ip", "ips", "ipaddress", "ipaddresses", "ipv4", "ipv4address", "ipv6", "ipv6address"]),
    (Field::Mac, &["mac", "macs", "macaddress", "macaddresses"]),
    (Field::Vendor, &["vendor", "manufacturer", "make"]),
    (Field::Product, &["product", "productname", "productfamily"]),
    (
        Field::Model,
        &["model", "ordernumber", "catalognumber", "catalogno", "partnumber", "mlfb", "articlenumber", "modelnumber"],
    ),
    (Field::HardwareVersion, &["hardwareversion", "hwversion", "hardwarerevision", "hwrevision"]),
    (Field::Firmware, &["firmware", "firmwareversion", "fw", "fwversion", "version"]),
    (Field::Os, &["os", "operatingsystem"]),
    (Field::Serial, &["serial", "serialnumber", "sn", "serialno"]),
    (Field::Owner, &["owner", "responsible"]),
    (Field::Line, &["line", "productionline", "processunit"]),
    (Field::Location, &["location"]),
    (Field::MissionImpact, &["missionimpact"]),
    (Field::SafetyImpact, &["safetyimpact"]),
    (Field::RedundancyGroup, &["redundancygroup"]),
    (Field::Support, &["support", "supportstatus"]),
    (Field::EndOfLife, &["endoflife", "eol", "eoldate", "endofsupport"]),
    (Field::Tags, &["tags"]),
    (Field::Description, &["description", "comment", "comments", "notes"]),
];

/// Headers that look meaningful but are deliberately not mapped, with the reason.
const NOT_MAPPED: &[(&str, &str)] = &[
    (
        "criticality",
        "not mapped: a criticality rating is no SSVC value; use the mission_impact and safety_impact columns",
    ),
    ("risk", "not mapped: Patchwise computes risk; use the mission_impact and safety_impact columns"),
    ("priority", "not mapped: use the mission_impact and safety_impact columns"),
];

/// Lower-case letters and digits only: `IP Address`, `ip_address` and `IP-Address` are one header.
fn header_key(h: &str) -> String {
    h.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn field_of(key: &str) -> Option<Field> {
    COLUMNS.iter().find(|(_, names)| names.contains(&key)).map(|(f, _)| *f)
}

fn canonical(f: Field) -> &'static str {
    match f {
        Field::Id => "id",
        Field::Name => "name",
        Field::Zone => "zone",
        Field::Kind => "kind",
        Field::Ip => "ip",
        Field::Mac => "mac",
        Field::Vendor => "vendor",
        Field::Product => "product",
        Field::Model => "model",
        Field::HardwareVersion => "hardware_version",
        Field::Firmware => "firmware",
        Field::Os => "os",
        Field::Serial => "serial",
        Field::Owner => "owner",
        Field::Line => "line",
        Field::Location => "location",
        Field::MissionImpact => "mission_impact",
        Field::SafetyImpact => "safety_impact",
        Field::RedundancyGroup => "redundancy_group",
        Field::Support => "support",
        Field::EndOfLife => "end_of_life",
        Field::Tags => "tags",
        Field::Description => "description",
    }
}

/// Which column holds which field.
struct Columns {
    at: HashMap<Field, usize>,
    /// Headers as written, for messages.
    names: Vec<String>,
}

impl Columns {
    fn name(&self, f: Field) -> Option<String> {
        self.at.get(&f).and_then(|i| self.names.get(*i)).cloned()
    }
}

/// Reads an asset inventory. `plant` supplies the zones (by id or name, or by subnet from the
/// addresses) and the addresses already in use. Rows that cannot be read are in
/// [`CsvImport::rejected`]; an error means the file as a whole cannot be used.
pub fn read_assets_csv<R: Read>(path_for_messages: &str, reader: R, plant: &Plant) -> Result<CsvImport, CsvError> {
    let file = path_for_messages.to_string();
    let read_error = |line: u64, source: csv::Error| CsvError::Read { file: file.clone(), line, source };
    let mut out = CsvImport { file: file.clone(), ..CsvImport::default() };
    let mut input = BufReader::with_capacity(64 * 1024, reader);
    let buf = input.fill_buf().map_err(|e| read_error(1, e.into()))?;
    let bom = buf.starts_with(b"\xEF\xBB\xBF");
    let delimiter = sniff_delimiter(buf.get(if bom { 3 } else { 0 }..).unwrap_or_default());
    if bom {
        input.consume(3);
    }

    let mut csv = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(input);
    let mut lossy = false;
    let headers: Vec<String> = match csv.byte_headers() {
        Ok(h) => h.iter().map(|b| decode(b, &mut lossy)).collect(),
        Err(e) => return Err(read_error(1, e)),
    };
    let columns =
        map_columns(&headers, &mut out).map_err(|message| CsvError::Header { file: file.clone(), message })?;

    let zones = ZoneIndex::new(plant);
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut seen_ips: HashMap<IpAddr, (String, u64)> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(read_error(e.position().map_or(0, |p| p.line()), e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let cells: Vec<String> = record.iter().map(|b| decode(b, &mut lossy).trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let row = Row { file: &file, cells: &cells, columns: &columns, line };
        match row.asset(&zones, &seen_ids, &seen_ips) {
            Ok(asset) => {
                seen_ids.insert(asset.id.clone(), line);
                for ip in &asset.ips {
                    seen_ips.entry(*ip).or_insert_with(|| (asset.id.clone(), line));
                }
                out.assets.push(asset);
            }
            Err(e) => out.reject(e),
        }
    }
    if lossy {
        out.notes
            .push("the file is not UTF-8; it was read as Windows-1252 (Excel's \"CSV\" on Western Windows)".into());
    }
    Ok(out)
}

/// `;` (European Excel), tab, or `,`: whichever the header line has most of, outside quotes.
fn sniff_delimiter(buf: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in buf {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    if counts[1] > counts[0] && counts[1] >= counts[2] {
        b';'
    } else if counts[2] > counts[0] && counts[2] > counts[1] {
        b'\t'
    } else {
        b','
    }
}

/// UTF-8, or else Windows-1252 (what Excel writes on Western European Windows).
fn decode(bytes: &[u8], lossy: &mut bool) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            *lossy = true;
            bytes.iter().map(|b| cp1252(*b)).collect()
        }
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        b => char::from(b),
    }
}

/// Maps headers to fields and records the ignored ones; the error says why the file cannot be
/// imported.
fn map_columns(headers: &[String], out: &mut CsvImport) -> Result<Columns, String> {
    let mut at: HashMap<Field, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let key = header_key(h);
        let ignore = |reason: String| IgnoredColumn { name: h.clone(), reason };
        if key.is_empty() {
            if !h.trim().is_empty() || i + 1 < headers.len() {
                out.ignored_columns.push(ignore(format!("column {} has no usable name", i + 1)));
            }
            continue;
        }
        match field_of(&key) {
            Some(f) => match at.get(&f) {
                Some(first) => {
                    let first = headers.get(*first).map_or("", String::as_str);
                    out.ignored_columns.push(ignore(format!("`{first}` already supplies {}", canonical(f))));
                }
                None => {
                    at.insert(f, i);
                }
            },
            None => {
                let reason = NOT_MAPPED
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or_else(|| "unknown column".to_string(), |(_, r)| (*r).to_string());
                out.ignored_columns.push(ignore(reason));
            }
        }
    }
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err("no header row; the first line names the columns (id, name, zone, kind, ip, …)".into());
    }
    if !at.contains_key(&Field::Id) && !at.contains_key(&Field::Name) {
        return Err(
            "no id or name column (expected a header such as `id`, `Asset ID`, `Tag`, `name` or `Hostname`)".into()
        );
    }
    if !at.contains_key(&Field::Zone) && !at.contains_key(&Field::Ip) {
        return Err(
            "no zone or ip column, so no asset can be placed in a zone (expected `zone` or `IP Address`)".into()
        );
    }
    Ok(Columns { at, names: headers.to_vec() })
}

/// Zones by id, by lower-cased id and by lower-cased name; addresses by owner.
struct ZoneIndex<'p> {
    plant: &'p Plant,
    by_key: HashMap<String, &'p str>,
    ip_owner: HashMap<IpAddr, &'p str>,
}

impl<'p> ZoneIndex<'p> {
    fn new(plant: &'p Plant) -> Self {
        let mut by_key = HashMap::new();
        // Names first so that an id always wins over another zone's name.
        for z in &plant.zones {
            by_key.entry(z.name.to_lowercase()).or_insert(z.id.as_str());
        }
        for z in &plant.zones {
            by_key.insert(z.id.to_lowercase(), z.id.as_str());
        }
        let mut ip_owner = HashMap::new();
        for a in &plant.assets {
            for ip in &a.ips {
                ip_owner.entry(*ip).or_insert(a.id.as_str());
            }
        }
        ZoneIndex { plant, by_key, ip_owner }
    }

    fn lookup(&self, s: &str) -> Option<&'p str> {
        if let Some(z) = self.plant.zones.iter().find(|z| z.id == s) {
            return Some(z.id.as_str());
        }
        self.by_key.get(&s.to_lowercase()).copied()
    }

    fn known(&self) -> String {
        let ids: Vec<&str> = self.plant.zones.iter().take(12).map(|z| z.id.as_str()).collect();
        let more = if self.plant.zones.len() > ids.len() { ", …" } else { "" };
        if ids.is_empty() { "the plant has no zones".into() } else { format!("known zones: {}{more}", ids.join(", ")) }
    }
}

/// One data row being turned into an asset.
struct Row<'r> {
    file: &'r str,
    cells: &'r [String],
    columns: &'r Columns,
    line: u64,
}

impl Row<'_> {
    fn cell(&self, f: Field) -> &str {
        self.columns.at.get(&f).and_then(|i| self.cells.get(*i)).map_or("", String::as_str)
    }

    fn opt(&self, f: Field) -> Option<String> {
        Some(self.cell(f)).filter(|s| !s.is_empty()).map(str::to_string)
    }

    fn err(&self, f: Option<Field>, message: impl Into<String>) -> RowError {
        RowError {
            file: self.file.to_string(),
            line: self.line,
            column_name: f.and_then(|f| self.columns.name(f)),
            message: message.into(),
        }
    }

    fn value_set<T: std::str::FromStr<Err = BadValue>>(&self, f: Field) -> Result<Option<T>, RowError> {
        match self.cell(f) {
            "" => Ok(None),
            s => s.parse::<T>().map(Some).map_err(|e| self.err(Some(f), e.to_string())),
        }
    }

    fn asset(
        &self,
        zones: &ZoneIndex<'_>,
        seen_ids: &HashMap<String, u64>,
        seen_ips: &HashMap<IpAddr, (String, u64)>,
    ) -> Result<Asset, RowError> {
        let (id, id_field) = match (self.cell(Field::Id), self.cell(Field::Name)) {
            ("", "") => return Err(self.err(None, "no id and no name; one of them names the asset")),
            ("", name) => (as_id(name), Field::Name),
            (id, _) => (as_id(id), Field::Id),
        };
        if let Some(first) = seen_ids.get(&id) {
            return Err(self.err(Some(id_field), format!("duplicate id `{id}` (first on line {first})")));
        }
        let name = self.opt(Field::Name).unwrap_or_else(|| id.clone());

        let mut ips = Vec::new();
        for part in split(self.cell(Field::Ip), |c| c == ';' || c == ',' || c.is_whitespace()) {
            let ip =
                parse_ip(part).ok_or_else(|| self.err(Some(Field::Ip), format!("`{part}` is not an IP address")))?;
            if !ips.contains(&ip) {
                ips.push(ip);
            }
        }
        let mut macs = Vec::new();
        for part in split(self.cell(Field::Mac), |c| c == ';' || c == ',' || c.is_whitespace()) {
            let mac: MacAddr = part.parse().map_err(|e: String| self.err(Some(Field::Mac), e))?;
            if !macs.contains(&mac) {
                macs.push(mac);
            }
        }

        let zone = self.zone(zones, &ips)?;
        for ip in &ips {
            if let Some(owner) = zones.ip_owner.get(ip).filter(|o| **o != id) {
                return Err(self.err(
                    Some(Field::Ip),
                    format!("address {ip} is already assigned to asset `{owner}` in the plant"),
                ));
            }
            if let Some((owner, line)) = seen_ips.get(ip) {
                return Err(self
                    .err(Some(Field::Ip), format!("address {ip} is also assigned to asset `{owner}` on line {line}")));
            }
        }

        let kind = self.value_set::<AssetKind>(Field::Kind)?.unwrap_or(AssetKind::Unknown);
        let mission_impact = self.value_set::<MissionImpact>(Field::MissionImpact)?;
        let safety_impact = self.value_set::<SafetyImpact>(Field::SafetyImpact)?;
        let status = self.value_set::<SupportStatus>(Field::Support)?;
        let end_of_life = match self.cell(Field::EndOfLife) {
            "" => None,
            s => Some(parse_date(s).map_err(|e| self.err(Some(Field::EndOfLife), e))?),
        };
        let support = match (status, end_of_life) {
            (None, None) => None,
            (status, end_of_life) => Some(Support { status: status.unwrap_or(SupportStatus::Unknown), end_of_life }),
        };
        let tags = split(self.cell(Field::Tags), |c| c == ';' || c == ',' || c == '|').map(str::to_string).collect();

        let mut asset = Asset::new(id, name, zone, kind);
        asset.ips = ips;
        asset.macs = macs;
        asset.identity = Identity {
            vendor: self.opt(Field::Vendor),
            product: self.opt(Field::Product),
            model: self.opt(Field::Model),
            hardware_version: self.opt(Field::HardwareVersion),
            firmware: self.opt(Field::Firmware),
            os: self.opt(Field::Os),
            serial: self.opt(Field::Serial),
        };
        asset.owner = self.opt(Field::Owner);
        asset.line = self.opt(Field::Line);
        asset.location = self.opt(Field::Location);
        asset.mission_impact = mission_impact;
        asset.safety_impact = safety_impact;
        asset.redundancy_group = self.opt(Field::RedundancyGroup);
        asset.support = support;
        asset.tags = tags;
        asset.description = self.opt(Field::Description);
        asset.origin = Origin::Csv;
        Ok(asset)
    }

    /// The zone from the zone column, else from the addresses; the addresses must agree with it.
    fn zone(&self, zones: &ZoneIndex<'_>, ips: &[IpAddr]) -> Result<String, RowError> {
        let given = self.cell(Field::Zone);
        if !given.is_empty() {
            let id = zones.lookup(given).ok_or_else(|| {
                self.err(
                    Some(Field::Zone),
                    format!("unknown zone `{given}` (no zone has this id or name; {})", zones.known()),
                )
            })?;
            let zone = zones.plant.zones.iter().find(|z| z.id == id);
            if let Some(z) = zone.filter(|z| !z.subnets.is_empty()) {
                for ip in ips {
                    if !z.subnets.iter().any(|n| n.contains(ip)) {
                        let msg = match zones.plant.zone_of_ip(ip) {
                            Some(h) => format!("address {ip} lies in zone `{}`, not in zone `{}`", h.id, z.id),
                            None => format!("address {ip} is outside every subnet of zone `{}`", z.id),
                        };
                        return Err(self.err(Some(Field::Ip), msg));
                    }
                }
            }
            return Ok(id.to_string());
        }
        let mut found: Vec<&str> = Vec::new();
        for ip in ips {
            if let Some(z) = zones.plant.zone_of_ip(ip)
                && !found.contains(&z.id.as_str())
            {
                found.push(z.id.as_str());
            }
        }
        let column = if self.columns.at.contains_key(&Field::Zone) { Field::Zone } else { Field::Ip };
        match found.as_slice() {
            [one] => Ok((*one).to_string()),
            [] if ips.is_empty() => Err(self.err(Some(column), "no zone and no address to infer it from")),
            [] => Err(self.err(
                Some(column),
                format!(
                    "no zone given and no zone subnet holds {}",
                    ips.iter().map(IpAddr::to_string).collect::<Vec<_>>().join(", ")
                ),
            )),
            many => Err(self.err(
                Some(column),
                format!("no zone given and the addresses lie in several zones ({})", many.join(", ")),
            )),
        }
    }
}

/// An id from a cell: trimmed, inner whitespace as `-` (ids are single words).
fn as_id(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join("-")
}

fn split(s: &str, sep: impl Fn(char) -> bool) -> impl Iterator<Item = &str> {
    s.split(sep).map(str::trim).filter(|p| !p.is_empty())
}

/// An address, also written with a prefix length (`10.1.2.3/24`), as interface lists often are.
fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>().ok().or_else(|| s.parse::<IpNet>().ok().map(|n| n.addr()))
}

/// `2025-12-31`, or `31.12.2025` as German and other European spreadsheets write it.
fn parse_date(s: &str) -> Result<Date, String> {
    if let Some((d, rest)) = s.split_once('.')
        && let Some((m, y)) = rest.split_once('.')
    {
        let bad = || format!("`{s}` is not a date (expected YYYY-MM-DD or DD.MM.YYYY)");
        let digits = s.chars().all(|c| c.is_ascii_digit() || c == '.');
        if !digits || y.len() != 4 || d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
            return Err(bad());
        }
        let (y, m, d) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>());
        let (Ok(y), Ok(m), Ok(d)) = (y, m, d) else { return Err(bad()) };
        return crate::plant_file::make_date(y, m, d);
    }
    crate::plant_file::parse_iso_date(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_normalise() {
        assert_eq!(field_of(&header_key("IP Address")), Some(Field::Ip));
        assert_eq!(field_of(&header_key("S/N")), Some(Field::Serial));
        assert_eq!(field_of(&header_key("hardware_version")), Some(Field::HardwareVersion));
        assert_eq!(field_of(&header_key("Device Type")), Some(Field::Kind));
        assert_eq!(field_of(&header_key("Criticality")), None);
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"id;name;ip\n1,2;3"), b';');
        assert_eq!(sniff_delimiter(b"id,name,\"a;b;c;d\"\n"), b',');
        assert_eq!(sniff_delimiter(b"id\tname\tip\n"), b'\t');
        assert_eq!(sniff_delimiter(b""), b',');
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("31.12.2025"), parse_date("2025-12-31"));
        assert!(parse_date("31.02.2025").is_err());
        assert!(parse_date("12/31/2025").is_err());
    }

    #[test]
    fn windows_1252() {
        let mut lossy = false;
        assert_eq!(decode(b"M\xfcller \x80", &mut lossy), "Müller €");
        assert!(lossy);
    }
}
