//! NVD CVE data: the JSON 1.1 feeds (`nvdcve-1.1-2022.json.gz`, `nvdcve-1.1-modified.json.gz`),
//! NVD CVE API 2.0 responses and the 2.0 feed files (same shape as a response), gzipped or not,
//! into [`Advisory`] records.
//!
//! # Streaming
//! The document is read with one pass of `serde_json` over a buffered reader. A visitor walks the
//! top-level object; when it reaches `CVE_Items` (1.1) or `vulnerabilities` (2.0) it reads ONE
//! item at a time into lenient structures that hold only the members used here, converts it and
//! hands the advisory to the sink before reading the next. The whole document is never held: not
//! as bytes, not as a `serde_json::Value`, not as a vector of items. Top-level members may come in
//! any order; those after the array are still read and checked.
//!
//! # Format detection
//! By content, not by file name: gzip by its magic bytes; 1.1 by a `CVE_Items` member, 2.0 by
//! `vulnerabilities` (or a bare `{"cve": {…}}` 2.0 item, as the API's per-CVE files are written).
//! A UTF-8 byte order mark before the JSON is skipped.
//! A 2.0 `format` other than `NVD_CVE` (a CPE or match-criteria response) is refused.
//!
//! # What an advisory holds
//! * `id` the CVE id (required: an item without one is an error), `kind` [`AdvisoryKind::Cve`].
//! * `description` the English text (else the first one); `rejected` when the 2.0 `vulnStatus` is
//!   `Rejected` or the description starts with `** REJECT **`. Rejected CVEs are still delivered.
//! * `cwes` from `problemtype` / `weaknesses`, de-duplicated. NVD's placeholders `NVD-CWE-Other`
//!   and `NVD-CWE-noinfo` are kept as written — their prefix marks them; a real id starts with
//!   `CWE-` — because they say NVD analysed the CVE and found no specific weakness.
//! * `cvss` every vector (4.0, 3.1, 3.0, 2 in that order); `scored_by` is `nvd` for the 1.1 feed
//!   and for the 2.0 source `nvd@nist.gov`, otherwise the 2.0 `source` as written (a CNA e-mail
//!   or UUID); `published_score` the stated `baseScore` as text.
//! * `affected` one [`AffectedStatement`] (status affected) per configuration. 2.0 configurations
//!   map one to one (operator absent ⇒ `OR`). A 1.1 top-level node becomes one configuration the
//!   way NVD converted 1.1 to 2.0: an `AND` node with only `children` (running on/with: firmware
//!   `vulnerable=true` AND hardware `vulnerable=false`) becomes a configuration with that
//!   operator over the children; any other node a one-node configuration. Empty nodes are dropped
//!   with a warning (an empty `AND` operand would be vacuously true).
//! * `references` with their tags; `published`, `modified` as written.
//! * `provenance`: source [`Source::Nvd11`] / [`Source::Nvd2`]; `revision` the CVE's
//!   `lastModifiedDate` / `lastModified`; `document` the feed or page: the file's name without
//!   directories and `.json`/`.gz` for 1.1 feeds and 2.0 feed files (`nvdcve-1.1-2022`,
//!   `nvdcve-2.0-2023`), `nvd-api-2.0 startIndex=N` for any other 2.0 response whose `startIndex`
//!   precedes `vulnerabilities` (real responses always do), else the file's name. The name is
//!   fixed when the array starts, so every record of one document carries the same one.
//!
//! # Errors
//! Malformed JSON, a member of the wrong type or an unreadable byte stream stops the read with
//! [`IntelError`]: `Invalid` with the JSON path of the deepest member reached
//! (`$.CVE_Items[12].configurations.nodes[0].cpe_match[3].vulnerable`) plus the line and column
//! in the (decompressed) JSON, or `Read` for a truncated or corrupt gzip stream (its message also
//! names the path). Absent and `null` members are not errors; anything skipped is a warning on the
//! advisory and in the [`ReadSummary`]. Records before the failing item HAVE been delivered to the
//! sink — the reader cannot take them back; callers import in one transaction and roll back on
//! error. A sink error stops the read at once and is returned as it is.
//!
//! This module never opens files, never panics on input, and never trusts a count the document
//! states (a mismatch is a warning).

mod items;
mod lenient;

use std::fmt;
use std::io::{self, BufReader, Read};

use flate2::bufread::MultiGzDecoder;
use model::advisory::{Advisory, AdvisoryKind, AffectedStatement, IntelRecord, ProductStatus, Source, Target};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::{DocumentInfo, IntelError, ReadSummary, Sink};
use items::{Cve2, Item11, MissingId, Parts, Vuln2};
use lenient::{Count, KeySeed, Lenient, Obj, Seg, Trail};

/// Read buffer for the JSON text (decompressed). Large enough that refills are rare.
const JSON_BUF: usize = 256 * 1024;
/// Read buffer for the compressed bytes.
const GZ_BUF: usize = 128 * 1024;

/// Reads one NVD document (1.1 feed, 2.0 response or 2.0 feed; plain or gzip) and hands each CVE
/// to `sink` as an [`IntelRecord::Advisory`] as soon as it is read.
pub fn read<R: Read>(mut r: R, doc: &DocumentInfo, sink: &mut Sink<'_>) -> Result<ReadSummary, IntelError> {
    let read_error = |source| IntelError::Read { file: doc.file.clone(), source };
    let head = Head::read(&mut r).map_err(read_error)?;
    if head.len >= 2 && head.bytes[..2] == [0x1f, 0x8b] {
        let mut gz = MultiGzDecoder::new(BufReader::with_capacity(GZ_BUF, head.replay(false).chain(r)));
        let json_head = Head::read(&mut gz).map_err(read_error)?;
        parse(BufReader::with_capacity(JSON_BUF, json_head.replay(true).chain(gz)), doc, sink)
    } else {
        parse(BufReader::with_capacity(JSON_BUF, head.replay(true).chain(r)), doc, sink)
    }
}

/// The first bytes of a stream, read to look at (gzip magic, byte order mark) and then replayed.
struct Head {
    bytes: [u8; 3],
    len: usize,
}

impl Head {
    fn read<R: Read>(r: &mut R) -> io::Result<Head> {
        let mut head = Head { bytes: [0; 3], len: 0 };
        while head.len < head.bytes.len() {
            match r.read(&mut head.bytes[head.len..]) {
                Ok(0) => break,
                Ok(k) => head.len += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(head)
    }

    /// The bytes again, without a UTF-8 byte order mark if `skip_bom` (JSON allows none, but
    /// some tools write one).
    fn replay(self, skip_bom: bool) -> io::Take<io::Cursor<[u8; 3]>> {
        let skip = if skip_bom && self.len == 3 && self.bytes == *b"\xEF\xBB\xBF" { 3 } else { 0 };
        let mut cursor = io::Cursor::new(self.bytes);
        cursor.set_position(skip);
        cursor.take((self.len as u64).saturating_sub(skip))
    }
}

/// The two families of NVD CVE documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    V11,
    V2,
}

/// Top-level metadata, whichever order it comes in.
#[derive(Debug, Default)]
struct Meta {
    declared_cves: Option<u64>,
    results_per_page: Option<u64>,
    start_index: Option<u64>,
}

/// Reader state shared by the visitors.
struct Ctx<'a, 's> {
    doc: &'a DocumentInfo,
    sink: &'a mut Sink<'s>,
    trail: Trail,
    /// Set when we stop the parse ourselves (sink error, item without id, wrong format); it takes
    /// precedence over the generic error serde_json then reports.
    stop: Option<IntelError>,
    summary: ReadSummary,
    meta: Meta,
    family: Option<Family>,
    items: usize,
    document: String,
}

impl Ctx<'_, '_> {
    /// Records `err` as the reason for stopping and returns the error that unwinds the parse.
    fn fail<E: de::Error>(&mut self, err: IntelError) -> E {
        self.stop = Some(err);
        E::custom("stopped")
    }

    fn invalid(&self, place: String, message: impl Into<String>) -> IntelError {
        IntelError::Invalid { file: self.doc.file.clone(), place, message: message.into() }
    }

    /// Called when the CVE array (or bare item) is reached: fixes the family and the document.
    fn begin<E: de::Error>(&mut self, family: Family, key: &str) -> Result<(), E> {
        if let Some(seen) = self.family {
            let message = match seen {
                Family::V11 => format!("`{key}` after `CVE_Items`: one document holds one CVE list"),
                Family::V2 => format!("`{key}` after `vulnerabilities`: one document holds one CVE list"),
            };
            let err = self.invalid(self.trail.render(), message);
            return Err(self.fail(err));
        }
        self.family = Some(family);
        let stem = file_stem(&self.doc.file);
        self.document = match family {
            Family::V11 if stem.is_empty() => "nvdcve-1.1".to_owned(),
            Family::V11 => stem.to_owned(),
            Family::V2 if stem.starts_with("nvdcve-2.0") => stem.to_owned(),
            Family::V2 => match self.meta.start_index {
                Some(i) => format!("nvd-api-2.0 startIndex={i}"),
                None if stem.is_empty() => "nvd-api-2.0".to_owned(),
                None => stem.to_owned(),
            },
        };
        Ok(())
    }

    /// Converts one item and hands it to the sink.
    fn deliver<E: de::Error>(&mut self, parts: Result<Parts, MissingId>) -> Result<(), E> {
        let parts = match parts {
            Ok(p) => p,
            Err(MissingId(below)) => {
                let place = format!("{}{}", self.trail.render(), &lenient::render(below)[1..]);
                let err = self.invalid(place, "missing CVE id");
                return Err(self.fail(err));
            }
        };
        let source = match self.family {
            Some(Family::V11) => Source::Nvd11,
            _ => Source::Nvd2,
        };
        let provenance = self.doc.provenance(source, self.document.clone(), parts.modified.clone());
        for w in &parts.warnings {
            self.summary.warnings.push(format!("{}: {w}", parts.id));
        }
        let affected = parts
            .configurations
            .into_iter()
            .map(|configuration| AffectedStatement {
                vulnerability: parts.id.clone(),
                target: Target::Configuration { configuration },
                status: ProductStatus::Affected,
                justification: None,
                detail: None,
            })
            .collect();
        let advisory = Advisory {
            id: parts.id,
            kind: AdvisoryKind::Cve,
            aliases: Vec::new(),
            title: None,
            description: parts.description,
            cwes: parts.cwes,
            published: parts.published,
            modified: parts.modified,
            rejected: parts.rejected,
            cvss: parts.cvss,
            affected,
            remediations: Vec::new(),
            references: parts.references,
            warnings: parts.warnings,
            provenance,
        };
        self.items += 1;
        if let Err(e) = (self.sink)(IntelRecord::Advisory(Box::new(advisory))) {
            return Err(self.fail(e));
        }
        self.summary.records += 1;
        Ok(())
    }
}

/// `dir/nvdcve-1.1-2022.json.gz` → `nvdcve-1.1-2022`; `a.zip!x/cves.json` → `cves`.
fn file_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\', '!']).next().unwrap_or(file);
    let name = name.strip_suffix(".gz").unwrap_or(name);
    name.strip_suffix(".json").unwrap_or(name)
}

/// Parses the JSON text. `input` is a `BufReader`, which serde_json's byte-at-a-time reading
/// needs to be fast.
fn parse<B: Read>(input: B, doc: &DocumentInfo, sink: &mut Sink<'_>) -> Result<ReadSummary, IntelError> {
    let mut ctx = Ctx {
        doc,
        sink,
        trail: Trail::default(),
        stop: None,
        summary: ReadSummary::default(),
        meta: Meta::default(),
        family: None,
        items: 0,
        document: String::new(),
    };
    let mut de = serde_json::Deserializer::from_reader(input);
    let parsed = Top(&mut ctx).deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = parsed {
        return Err(match ctx.stop.take() {
            Some(stop) => stop,
            None => json_error(&ctx, e),
        });
    }
    let Some(family) = ctx.family else {
        return Err(ctx.invalid(
            "$".to_owned(),
            "no `CVE_Items` (NVD 1.1 feed) or `vulnerabilities` (NVD API 2.0): not an NVD CVE document",
        ));
    };
    let (declared, name) = match family {
        Family::V11 => (ctx.meta.declared_cves, "CVE_data_numberOfCVEs"),
        Family::V2 => (ctx.meta.results_per_page, "resultsPerPage"),
    };
    if let Some(declared) = declared
        && declared != ctx.items as u64
    {
        ctx.summary.warnings.push(format!("{name} says {declared}, the document holds {} CVEs", ctx.items));
    }
    Ok(ctx.summary)
}

/// A serde_json error as an [`IntelError`] with the JSON path reached and the line and column.
fn json_error(ctx: &Ctx<'_, '_>, e: serde_json::Error) -> IntelError {
    let path = ctx.trail.render();
    if e.is_io() {
        let source = io::Error::from(e);
        let source = io::Error::new(source.kind(), format!("{source} (while reading {path})"));
        return IntelError::Read { file: ctx.doc.file.clone(), source };
    }
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    let place = if e.line() == 0 { path } else { format!("{path}, line {} column {}", e.line(), e.column()) };
    ctx.invalid(place, message)
}

const TOP_KEYS: &[&str] =
    &["CVE_Items", "vulnerabilities", "cve", "CVE_data_numberOfCVEs", "resultsPerPage", "startIndex", "format"];

/// The top-level object.
struct Top<'c, 'a, 's>(&'c mut Ctx<'a, 's>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an NVD 1.1 feed or NVD API 2.0 response object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.0;
        while let Some(key) = map.next_key_seed(KeySeed(TOP_KEYS))? {
            let Some(key) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            ctx.trail.push(Seg::Key(key));
            match key {
                "CVE_Items" => {
                    ctx.begin(Family::V11, key)?;
                    map.next_value_seed(Items::<Item11> { ctx: &mut *ctx, item: std::marker::PhantomData })?;
                }
                "vulnerabilities" => {
                    ctx.begin(Family::V2, key)?;
                    map.next_value_seed(Items::<Vuln2> { ctx: &mut *ctx, item: std::marker::PhantomData })?;
                }
                "cve" => {
                    ctx.begin(Family::V2, key)?;
                    let cve: Cve2 = map.next_value_seed(Obj::new(&mut ctx.trail))?;
                    ctx.trail.pop();
                    ctx.deliver(cve.parts(&[Seg::Key("cve"), Seg::Key("id")]))?;
                    continue;
                }
                "CVE_data_numberOfCVEs" => ctx.meta.declared_cves = map.next_value::<Option<Count>>()?.map(|c| c.0),
                "resultsPerPage" => ctx.meta.results_per_page = map.next_value::<Option<Count>>()?.map(|c| c.0),
                "startIndex" => ctx.meta.start_index = map.next_value::<Option<Count>>()?.map(|c| c.0),
                _ => {
                    let format: Option<String> = map.next_value()?;
                    if let Some(format) = format.filter(|f| f != "NVD_CVE") {
                        let err = ctx.invalid(
                            ctx.trail.render(),
                            format!("format {format:?}: not a CVE document (expected \"NVD_CVE\")"),
                        );
                        return Err(ctx.fail(err));
                    }
                }
            }
            ctx.trail.pop();
        }
        Ok(())
    }
}

/// One lenient item structure per family, converted to [`Parts`].
trait Item: Lenient {
    fn parts(self) -> Result<Parts, MissingId>;
}

impl Item for Item11 {
    fn parts(self) -> Result<Parts, MissingId> {
        Item11::parts(self)
    }
}

impl Item for Vuln2 {
    fn parts(self) -> Result<Parts, MissingId> {
        self.cve.parts(&[Seg::Key("cve"), Seg::Key("id")])
    }
}

/// The CVE array: each element is read, converted and delivered before the next is read.
struct Items<'c, 'a, 's, T> {
    ctx: &'c mut Ctx<'a, 's>,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: Item> DeserializeSeed<'de> for Items<'_, '_, '_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Item> Visitor<'de> for Items<'_, '_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of CVE items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        for i in 0.. {
            ctx.trail.push(Seg::Index(i));
            let Some(item) = seq.next_element_seed(Obj::<T>::new(&mut ctx.trail))? else {
                ctx.trail.pop();
                break;
            };
            ctx.deliver(item.parts())?;
            ctx.trail.pop();
        }
        Ok(())
    }
}
