//! FIRST EPSS daily score files (`epss_scores-YYYY-MM-DD.csv`, plain or gzip) into [`EpssScore`]
//! records.
//!
//! The file starts with `#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000`, then the
//! header `cve,epss,percentile`, then one row per CVE. Gzip is recognised by its magic bytes, not
//! by the file name. Rows stream to the sink; a 250,000-row file is never held whole.
//!
//! An EPSS score is a probability of exploitation activity, not evidence of it: this module must
//! never turn a score into a verdict. A score or percentile outside `[0, 1]` is an error naming
//! the line, because a file that says 42 % as `42` would otherwise rank every CVE wrongly.

use std::io::{BufRead, BufReader, Read};

use flate2::bufread::MultiGzDecoder;
use model::advisory::{EpssScore, IntelRecord, Source};

use crate::{DocumentInfo, IntelError, ReadSummary, Sink};

/// The document id every EPSS record carries; the score date is its revision.
pub const DOCUMENT: &str = "first-epss";

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads an EPSS score file, plain or gzip-compressed.
pub fn read<R: Read>(r: R, doc: &DocumentInfo, sink: &mut Sink) -> Result<ReadSummary, IntelError> {
    let file = doc.file.as_str();
    let io = |source| IntelError::Read { file: file.to_string(), source };
    let mut raw = BufReader::new(r);
    let gzip = raw.fill_buf().map_err(io)?.starts_with(&GZIP_MAGIC);
    let mut input: Box<dyn BufRead + '_> =
        if gzip { Box::new(BufReader::new(MultiGzDecoder::new(raw))) } else { Box::new(raw) };

    let mut first = Vec::new();
    input.read_until(b'\n', &mut first).map_err(io)?;
    let meta = Metadata::parse(&first).map_err(|message| invalid(file, "line 1", &message))?;
    let provenance = doc.provenance(Source::Epss, DOCUMENT, Some(meta.score_date.clone()));

    let mut rdr = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(input);
    let headers = rdr.headers().map_err(|e| csv_error(file, e))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(cve_col), Some(epss_col), Some(pct_col)) = (column("cve"), column("epss"), column("percentile")) else {
        let found = headers.iter().collect::<Vec<_>>().join(",");
        return Err(invalid(file, "line 2", &format!("expected the header `cve,epss,percentile`, found `{found}`")));
    };

    let mut summary = ReadSummary::default();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(file, e)),
        }
        // The csv reader started after the metadata line.
        let line = record.position().map_or(0, |p| p.line()) + 1;
        let place = format!("line {line}");
        let cve = record.get(cve_col).unwrap_or_default();
        if !cve.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("CVE-")) {
            return Err(invalid(file, &place, &format!("`{cve}` is not a CVE id")));
        }
        let score = probability(record.get(epss_col), "epss").map_err(|m| invalid(file, &place, &m))?;
        let percentile = probability(record.get(pct_col), "percentile").map_err(|m| invalid(file, &place, &m))?;
        sink(IntelRecord::Epss(EpssScore {
            cve: cve.to_ascii_uppercase(),
            score,
            percentile,
            date: meta.date.clone(),
            model_version: meta.model_version.clone(),
            provenance: provenance.clone(),
        }))?;
        summary.records += 1;
    }
    Ok(summary)
}

/// The `#model_version:…,score_date:…` line.
#[derive(Debug)]
struct Metadata {
    model_version: Option<String>,
    /// As written (`2025-02-20T00:00:00+0000`).
    score_date: String,
    /// Its `YYYY-MM-DD`.
    date: String,
}

impl Metadata {
    fn parse(line: &[u8]) -> Result<Metadata, String> {
        let line = std::str::from_utf8(line).map_err(|_| "not UTF-8".to_string())?;
        let line = line.trim_start_matches('\u{feff}').trim();
        let Some(body) = line.strip_prefix('#') else {
            return Err(format!(
                "expected `#model_version:…,score_date:…` before the header, found `{}`",
                line.chars().take(60).collect::<String>()
            ));
        };
        let mut model_version = None;
        let mut score_date = None;
        for pair in body.split(',') {
            let Some((key, value)) = pair.split_once(':') else { continue };
            let value = value.trim();
            match key.trim() {
                "model_version" if !value.is_empty() => model_version = Some(value.to_string()),
                "score_date" if !value.is_empty() => score_date = Some(value.to_string()),
                _ => {}
            }
        }
        let score_date = score_date.ok_or_else(|| format!("no `score_date` in `{line}`"))?;
        let date = score_date.get(..10).filter(|d| crate::kev::is_date(d));
        let Some(date) = date.map(str::to_string) else {
            return Err(format!("score_date `{score_date}` does not start with a YYYY-MM-DD date"));
        };
        Ok(Metadata { model_version, score_date, date })
    }
}

/// A number in `[0, 1]`.
fn probability(field: Option<&str>, column: &str) -> Result<f64, String> {
    let text = field.unwrap_or_default();
    let value: f64 = text.parse().map_err(|_| format!("{column} `{text}` is not a number"))?;
    if (0.0..=1.0).contains(&value) { Ok(value) } else { Err(format!("{column} {text} is outside [0, 1]")) }
}

fn invalid(file: &str, place: &str, message: &str) -> IntelError {
    IntelError::Invalid { file: file.to_string(), place: place.to_string(), message: message.to_string() }
}

/// The csv reader counts from the line after the metadata line, hence the offset of one.
fn csv_error(file: &str, e: csv::Error) -> IntelError {
    crate::csv_error(file, e, 1, "line 2")
}
