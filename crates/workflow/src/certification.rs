//! Vendor patch qualification statements from CSV, the form OEMs publish their qualification
//! matrices in: `vendor, product, patch, status, date, source` (header required; the columns may
//! come in any order; `version` and `patch or version` name the patch column, `url` and `source
//! url` the source). Pure over a reader.

use std::io::Read;

use model::Certification;

use crate::Qualification;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ReadError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

fn column(header: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h = h.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        names.contains(&h.as_str())
    })
}

/// Reads every statement; the first problem stops the read with its line and column.
pub fn read(input: impl Read, file: &str) -> Result<Vec<Certification>, ReadError> {
    let err = |line: u64, message: String| ReadError { file: file.into(), line, message };
    let mut r = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(input);
    let header = r.headers().map_err(|e| err(1, format!("cannot read the header: {e}")))?.clone();
    let need = |names: &[&str], what: &str| {
        column(&header, names).ok_or_else(|| {
            err(1, format!("no `{what}` column (header: {})", header.iter().collect::<Vec<_>>().join(",")))
        })
    };
    let vendor = need(&["vendor"], "vendor")?;
    let product = need(&["product"], "product")?;
    let patch = need(&["patch", "version", "patch or version", "kb"], "patch")?;
    let status = need(&["status", "qualification"], "status")?;
    let date = column(&header, &["date", "qualified on", "published"]);
    let source = need(&["source", "url", "source url"], "source")?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        let st = get(status);
        let q = Qualification::parse(&st).ok_or_else(|| {
            err(line, format!("status `{st}`: expected qualified, partially-qualified, not-qualified or not-tested"))
        })?;
        let date = match date.map(get).filter(|d| !d.is_empty()) {
            Some(d) => Some(
                time::Date::parse(&d, time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| err(line, format!("date `{d}` is not YYYY-MM-DD")))?,
            ),
            None => None,
        };
        let c = Certification {
            vendor: get(vendor),
            product: get(product),
            patch: get(patch),
            status: q.as_str().into(),
            date,
            source: get(source),
        };
        for (what, v) in [("vendor", &c.vendor), ("product", &c.product), ("patch", &c.patch), ("source", &c.source)] {
            if v.is_empty() {
                return Err(err(line, format!("empty `{what}`")));
            }
        }
        out.push(c);
    }
    Ok(out)
}
