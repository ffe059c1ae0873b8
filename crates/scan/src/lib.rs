//! Streaming readers of other tools' files: scanner reports (Nessus, Nmap, OpenVAS/Greenbone,
//! Qualys, Nexpose) and SBOM/VEX documents (CycloneDX, SPDX), into one neutral model
//! ([`ScanHost`] with services, vulnerability claims and components; SBOM [`Component`]s and
//! [`BomVulnerability`] statements).
//!
//! Pure: readers take an already opened `BufRead` and a file name for error messages; they open
//! no file, touch no store and read no clock. They stream: each host (or SBOM component) goes
//! to the caller's sink as soon as it is complete, so memory follows the largest host, not the
//! file. XML is read with a pull parser, never with DTD processing or entity expansion; every
//! text kept is capped ([`text::MAX_EVIDENCE`], [`text::MAX_FIELD`]). A malformed or truncated
//! file is an [`Error`] naming the file and the place; the caller decides whether items already
//! handed to the sink are kept (an importer drops them with its transaction).

mod detect;
mod error;
mod model;
pub mod text;
mod xml;

mod cyclonedx;
mod nessus;
mod nmap;
mod openvas;
mod qualys;
mod spdx;

use std::io::BufRead;

pub use detect::{DETECT_BYTES, Format, detect};
pub use error::{Error, Result};
pub use model::*;

/// Reads `input` as `format`, handing every item to `sink`; returns the counts.
pub fn read(
    format: Format,
    input: impl BufRead,
    file: &str,
    sink: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<Summary> {
    let mut summary = Summary::default();
    let mut counted = |item: Item| {
        summary.add(&item);
        sink(item)
    };
    match format {
        Format::NessusXml => nessus::read_xml(input, file, &mut counted)?,
        Format::NmapXml => nmap::read_xml(input, file, &mut counted)?,
        Format::CycloneDxJson => cyclonedx::read_json(input, file, &mut counted)?,
        Format::CycloneDxXml => cyclonedx::read_xml(input, file, &mut counted)?,
        Format::OpenvasXml => openvas::read_xml(input, file, &mut counted)?,
        Format::QualysXml => qualys::read_xml(input, file, &mut counted)?,
        Format::SpdxJson => spdx::read_json(input, file, &mut counted)?,
        Format::SpdxTagValue => spdx::read_tag_value(input, file, &mut counted)?,
        Format::NessusCsv | Format::OpenvasCsv | Format::NexposeXml => {
            return Err(Error::Format {
                file: file.to_string(),
                what: format!("{} is recognised but not read yet", format.name()),
            });
        }
    }
    Ok(summary)
}

/// Detects the format from the first bytes of `input` and reads it.
pub fn read_detected(
    mut input: impl BufRead,
    file: &str,
    sink: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<(Format, Summary)> {
    let head = input.fill_buf().map_err(|source| Error::Io { file: file.to_string(), source })?;
    let format = detect(head).ok_or_else(|| Error::Format {
        file: file.to_string(),
        what: "not a scanner report or SBOM this reader knows (detected from content)".into(),
    })?;
    Ok((format, read(format, input, file, sink)?))
}

/// Reads a whole file into an [`Import`] (dry runs, tests, small files).
pub fn parse(format: Format, input: impl BufRead, file: &str) -> Result<Import> {
    let mut import = Import {
        format,
        summary: Summary::default(),
        hosts: Vec::new(),
        components: Vec::new(),
        vulnerabilities: Vec::new(),
    };
    let summary = read(format, input, file, &mut |item| {
        match item {
            Item::Host(h) => import.hosts.push(h),
            Item::Component(c) => import.components.push(c),
            Item::Vulnerability(v) => import.vulnerabilities.push(v),
        }
        Ok(())
    })?;
    import.summary = summary;
    Ok(import)
}
