//! Vulnerability intelligence readers: each turns one feed format into the neutral records of
//! `model::advisory` ([`IntelRecord`]), streaming, without holding a whole feed in memory.
//!
//! Readers are pure over a byte stream: they open no files, read no clock and touch no store. The
//! caller (the binary) opens files, computes digests and passes them in a [`DocumentInfo`]; the
//! records go to a sink the caller supplies, so a 70 MB feed is never materialised as one value.

use model::advisory::{IntelRecord, Provenance, Source};

pub mod bundle;
pub mod csaf;
pub mod cve5;
pub mod detect;
pub mod epss;
pub mod files;
pub mod kev;
pub mod nvd;
pub mod vex;

/// What the caller knows about the file being read; readers add the document id and revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentInfo {
    /// The file as the user named it (with `!member` for a file inside an archive).
    pub file: String,
    /// Hex SHA-256 of the file's bytes, when the caller computed it.
    pub digest: Option<String>,
    /// When it was read, RFC 3339.
    pub retrieved_at: Option<String>,
}

impl DocumentInfo {
    /// Provenance for a record of `source` from this file.
    pub fn provenance(&self, source: Source, document: impl Into<String>, revision: Option<String>) -> Provenance {
        Provenance {
            source,
            document: document.into(),
            revision,
            file: Some(self.file.clone()),
            digest: self.digest.clone(),
            retrieved_at: self.retrieved_at.clone(),
        }
    }
}

/// A reader's error: the file, the place in it, and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum IntelError {
    /// Malformed input. `place` is a JSON path (`$.vulnerabilities[3].cve.id`), a line
    /// (`line 17`) or a byte offset (`byte 4096`).
    #[error("{file}: {place}: {message}")]
    Invalid { file: String, place: String, message: String },
    /// The bytes could not be read (truncated gzip, IO error).
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The sink refused a record (the caller's import failed); reading stops.
    #[error("{0}")]
    Sink(String),
}

/// Where records go. Returning an error stops the reader.
pub type Sink<'a> = dyn FnMut(IntelRecord) -> Result<(), IntelError> + 'a;

/// What one read produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// Records handed to the sink.
    pub records: usize,
    /// Data-quality warnings (also attached to the advisories they concern).
    pub warnings: Vec<String>,
}

/// What a caller decides about reading beyond the bytes themselves: today only which bundle
/// signatures to trust. Kept apart from [`DocumentInfo`], which describes a file, not a policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Keys whose signatures on a [`bundle`] are checked, and whether one is required.
    pub bundle_trust: bundle::BundleTrust,
}

/// A `csv` crate error as an [`IntelError`] naming the file and line. `line_offset` is added to
/// the reader's line count (files with a metadata line before the header); an error with no
/// position is placed at `no_position`.
pub(crate) fn csv_error(file: &str, e: csv::Error, line_offset: u64, no_position: &str) -> IntelError {
    let line = e.position().map(|p| p.line() + line_offset);
    match e.into_kind() {
        csv::ErrorKind::Io(source) => IntelError::Read { file: file.to_string(), source },
        kind => {
            let place = line.map_or_else(|| no_position.to_string(), |l| format!("line {l}"));
            let message = match kind {
                csv::ErrorKind::Utf8 { .. } => "not UTF-8".to_string(),
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                    format!("{len} fields, the header has {expected_len}")
                }
                other => format!("{other:?}"),
            };
            IntelError::Invalid { file: file.to_string(), place, message }
        }
    }
}

/// Reads one document of a known format (see [`detect::detect`]) into `sink`, with the default
/// [`ReadOptions`] (a bundle's signature is reported, not verified).
pub fn read_format<R: std::io::Read>(
    format: detect::Format,
    r: R,
    doc: &DocumentInfo,
    sink: &mut Sink,
) -> Result<ReadSummary, IntelError> {
    read_format_with(format, r, doc, &ReadOptions::default(), sink)
}

/// Reads one document of a known format into `sink` under `options`.
pub fn read_format_with<R: std::io::Read>(
    format: detect::Format,
    r: R,
    doc: &DocumentInfo,
    options: &ReadOptions,
    sink: &mut Sink,
) -> Result<ReadSummary, IntelError> {
    use detect::Format;
    match format {
        Format::Bundle => bundle::read(r, doc, &options.bundle_trust, sink)
            .map(|info| ReadSummary { records: info.records, warnings: Vec::new() }),
        Format::Nvd11 | Format::Nvd2 => nvd::read(r, doc, sink),
        Format::Cve5 => cve5::read(r, doc, sink),
        Format::KevJson => kev::read_json(r, doc, sink),
        Format::KevCsv => kev::read_csv(r, doc, sink),
        Format::Epss => epss::read(r, doc, sink),
        Format::Csaf => csaf::read(r, doc, sink),
        Format::CycloneDx => vex::read_cyclonedx(r, doc, sink),
        Format::OpenVex => vex::read_openvex(r, doc, sink),
    }
}
