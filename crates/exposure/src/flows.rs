//! Observed flows from other tools' files: Zeek `conn.log` (TSV with its `#fields` header, or
//! JSON lines, as Zeek and Malcolm write them) and a neutral CSV (`src,dst,protocol,port` and
//! optionally `first_seen,last_seen,count`). Connections are aggregated per source address,
//! destination address, protocol and destination port. Pure over a byte stream.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::net::IpAddr;

use model::{Flow, Protocol};

/// A file that cannot be read, with the place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct FlowError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// What a flows file held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowFile {
    /// `zeek-conn-tsv`, `zeek-conn-json`, `csv`.
    pub format: &'static str,
    /// Connection records read.
    pub records: u64,
    /// Records that were not flows between two addresses with a port (ICMP without a code is
    /// kept with port 0), with the first few reasons.
    pub skipped: u64,
    pub flows: Vec<Flow>,
}

const MAX_LINE: usize = 1 << 20;

type FlowKey = (IpAddr, IpAddr, Protocol, u16);

/// Reads a flows file; `name` is used in messages and as each flow's source.
pub fn read<R: BufRead>(name: &str, mut input: R) -> Result<FlowFile, FlowError> {
    let err = |line: u64, message: String| FlowError { file: name.to_string(), line, message };
    let mut agg: BTreeMap<FlowKey, (Option<String>, Option<String>, u64)> = BTreeMap::new();
    let mut out = FlowFile::default();
    let mut fields: Option<Vec<String>> = None;
    let mut csv_header: Option<Vec<String>> = None;
    let mut buf = Vec::new();
    let mut n = 0u64;
    loop {
        buf.clear();
        let read = std::io::Read::take(&mut input, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| err(n + 1, e.to_string()))?;
        if read == 0 {
            break;
        }
        n += 1;
        if buf.len() > MAX_LINE {
            return Err(err(n, format!("line longer than {MAX_LINE} bytes")));
        }
        let line = std::str::from_utf8(&buf).map_err(|_| err(n, "not UTF-8 text".into()))?;
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        if out.format.is_empty() {
            out.format = if line.starts_with('#') {
                "zeek-conn-tsv"
            } else if line.trim_start().starts_with('{') {
                "zeek-conn-json"
            } else {
                "csv"
            };
        }
        let record = match out.format {
            "zeek-conn-tsv" => {
                if let Some(rest) = line.strip_prefix("#fields") {
                    fields = Some(rest.split('\t').filter(|f| !f.is_empty()).map(str::to_string).collect());
                    continue;
                }
                if line.starts_with('#') {
                    continue;
                }
                let Some(names) = &fields else {
                    return Err(err(n, "a record before the `#fields` header".into()));
                };
                let values: Vec<&str> = line.split('\t').collect();
                let get = |k: &str| names.iter().position(|f| f == k).and_then(|i| values.get(i).copied());
                Record {
                    src: get("id.orig_h").map(str::to_string),
                    dst: get("id.resp_h").map(str::to_string),
                    port: get("id.resp_p").map(str::to_string),
                    proto: get("proto").map(str::to_string),
                    ts: get("ts").map(str::to_string),
                    last: None,
                    count: None,
                }
            }
            "zeek-conn-json" => {
                let v: serde_json::Value =
                    serde_json::from_str(line).map_err(|e| err(n, format!("not a JSON object: {e}")))?;
                let s = |k: &str| {
                    v.get(k).and_then(|x| match x {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                };
                Record {
                    src: s("id.orig_h"),
                    dst: s("id.resp_h"),
                    port: s("id.resp_p"),
                    proto: s("proto"),
                    ts: s("ts"),
                    last: None,
                    count: None,
                }
            }
            _ => {
                let cells = split_csv(line).map_err(|m| err(n, m))?;
                let Some(header) = &csv_header else {
                    let h: Vec<String> = cells.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
                    for need in ["src", "dst", "protocol", "port"] {
                        if !h.iter().any(|c| c == need) {
                            return Err(err(
                                n,
                                format!(
                                    "the header has no `{need}` column (expected src,dst,protocol,port[,first_seen,last_seen,count])"
                                ),
                            ));
                        }
                    }
                    csv_header = Some(h);
                    continue;
                };
                let get = |k: &str| {
                    header
                        .iter()
                        .position(|c| c == k)
                        .and_then(|i| cells.get(i))
                        .map(|c| c.trim().to_string())
                        .filter(|c| !c.is_empty())
                };
                Record {
                    src: get("src"),
                    dst: get("dst"),
                    port: get("port"),
                    proto: get("protocol"),
                    ts: get("first_seen"),
                    last: get("last_seen"),
                    count: get("count"),
                }
            }
        };
        out.records += 1;
        let strict = out.format == "csv";
        let parsed = record.parse();
        match parsed {
            Ok((key, first, last, count)) => {
                let e = agg.entry(key).or_insert((None, None, 0));
                if let Some(f) = first.clone()
                    && e.0.as_ref().is_none_or(|x| f < *x)
                {
                    e.0 = Some(f);
                }
                if let Some(l) = last.or(first)
                    && e.1.as_ref().is_none_or(|x| l > *x)
                {
                    e.1 = Some(l);
                }
                e.2 += count;
            }
            Err(m) if strict => return Err(err(n, m)),
            Err(_) => out.skipped += 1,
        }
    }
    if out.format.is_empty() {
        out.format = "csv";
    }
    out.flows = agg
        .into_iter()
        .map(|((src, dst, protocol, port), (first_seen, last_seen, count))| Flow {
            src,
            dst,
            protocol,
            port,
            first_seen,
            last_seen,
            count,
            source: name.to_string(),
        })
        .collect();
    Ok(out)
}

struct Record {
    src: Option<String>,
    dst: Option<String>,
    port: Option<String>,
    proto: Option<String>,
    ts: Option<String>,
    last: Option<String>,
    count: Option<String>,
}

type Parsed = (FlowKey, Option<String>, Option<String>, u64);

impl Record {
    fn parse(self) -> Result<Parsed, String> {
        let addr = |what: &str, v: Option<String>| -> Result<IpAddr, String> {
            let v = v.ok_or_else(|| format!("no {what} address"))?;
            v.trim().parse().map_err(|_| format!("`{v}` is not an IP address ({what})"))
        };
        let src = addr("source", self.src)?;
        let dst = addr("destination", self.dst)?;
        let proto = self.proto.ok_or("no protocol")?;
        let protocol: Protocol = proto.parse().map_err(|_| format!("`{proto}` is not a protocol (tcp, udp, icmp)"))?;
        let port = match self.port {
            Some(p) => p.trim().parse::<u16>().map_err(|_| format!("`{p}` is not a port"))?,
            None => 0,
        };
        let count = match self.count {
            Some(c) => c.parse::<u64>().map_err(|_| format!("`{c}` is not a count"))?,
            None => 1,
        };
        Ok((
            (src, dst, protocol, port),
            self.ts.and_then(|t| time_text(&t)),
            self.last.and_then(|t| time_text(&t)),
            count,
        ))
    }
}

/// A Zeek epoch timestamp (`1700000000.123456`) as RFC 3339 UTC; other text as given, masked or
/// empty values (`-`, `XXXX…`) as none.
fn time_text(t: &str) -> Option<String> {
    let t = t.trim();
    if t.is_empty() || t == "-" || t.starts_with('X') {
        return None;
    }
    if let Ok(secs) = t.parse::<f64>() {
        if !(0.0..=253_402_300_799.0).contains(&secs) {
            return None;
        }
        let s = secs as i64;
        let (days, rem) = (s.div_euclid(86_400), s.rem_euclid(86_400));
        let (y, m, d) = civil(days);
        return Some(format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60));
    }
    Some(t.to_string())
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Splits one CSV line (RFC 4180 quoting, no embedded line breaks).
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) if cur.is_empty() => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted cell".into());
    }
    out.push(cur);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_times_read_as_utc() {
        assert_eq!(time_text("0").as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(time_text("1700000000.5").as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(time_text("XXXXXXXXXX.XXXXXX"), None);
    }
}
