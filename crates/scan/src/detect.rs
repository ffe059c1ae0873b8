//! Which format a file is, from its first bytes (never from its name).

use serde::Serialize;

/// Every format the crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Nessus `.nessus` v2 XML (`<NessusClientData_v2>`).
    NessusXml,
    /// Nessus / Tenable CSV export (a header with `Plugin ID`/`Plugin`, `Host`/`IP Address`).
    NessusCsv,
    /// Nmap XML (`<nmaprun>`).
    NmapXml,
    /// OpenVAS / Greenbone XML report (`<report>` … `<results>`).
    OpenvasXml,
    /// OpenVAS / Greenbone CSV results (a header with `IP`, `NVT OID`).
    OpenvasCsv,
    /// Qualys XML (`<SCAN>`, `<ASSET_DATA_REPORT>`, `<HOST_LIST_VM_DETECTION_OUTPUT>`).
    QualysXml,
    /// Nexpose / InsightVM XML 1.0 or 2.0 (`<NexposeReport>`).
    NexposeXml,
    CycloneDxJson,
    CycloneDxXml,
    SpdxJson,
    SpdxTagValue,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::NessusXml => "nessus-xml",
            Format::NessusCsv => "nessus-csv",
            Format::NmapXml => "nmap-xml",
            Format::OpenvasXml => "openvas-xml",
            Format::OpenvasCsv => "openvas-csv",
            Format::QualysXml => "qualys-xml",
            Format::NexposeXml => "nexpose-xml",
            Format::CycloneDxJson => "cyclonedx-json",
            Format::CycloneDxXml => "cyclonedx-xml",
            Format::SpdxJson => "spdx-json",
            Format::SpdxTagValue => "spdx-tag-value",
        }
    }
}

/// How many leading bytes [`detect`] wants to see (it works with fewer).
pub const DETECT_BYTES: usize = 64 * 1024;

/// The format of a file from its first bytes (up to [`DETECT_BYTES`]); `None` when it is none
/// of ours.
pub fn detect(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let body = &head[start..];
    match body[0] {
        b'{' => detect_json(body),
        b'<' => detect_xml(body),
        _ => detect_text(body),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn detect_json(body: &[u8]) -> Option<Format> {
    if let Some(i) = find(body, b"\"bomFormat\"") {
        let rest = &body[i + 11..];
        let rest = &rest[..rest.len().min(64)];
        if contains(rest, b"\"CycloneDX\"") {
            return Some(Format::CycloneDxJson);
        }
    }
    // Some exporters sort keys, which puts `spdxVersion` last; the document's own SPDXID
    // (`SPDXRef-DOCUMENT`) comes first then.
    if contains(body, b"\"spdxVersion\"") || contains(body, b"\"SPDXRef-DOCUMENT\"") {
        return Some(Format::SpdxJson);
    }
    None
}

/// The local name of the first element, after the prolog (declaration, comments, PIs, DOCTYPE).
fn root_element(body: &[u8]) -> Option<&[u8]> {
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &body[i..];
        if rest.starts_with(b"<?") {
            i += find(rest, b"?>")? + 2;
        } else if rest.starts_with(b"<!--") {
            i += find(rest, b"-->")? + 3;
        } else if rest.starts_with(b"<!") {
            // DOCTYPE, possibly with an internal subset in brackets.
            let close = match (find(rest, b"["), find(rest, b">")) {
                (Some(b), Some(g)) if b < g => find(rest, b"]>").map(|x| x + 2)?,
                (_, Some(g)) => g + 1,
                _ => return None,
            };
            i += close;
        } else {
            let name = &rest[1..];
            let end = name.iter().position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')?;
            let name = &name[..end];
            let local = match name.iter().position(|b| *b == b':') {
                Some(c) => &name[c + 1..],
                None => name,
            };
            return Some(local);
        }
    }
    None
}

fn detect_xml(body: &[u8]) -> Option<Format> {
    match root_element(body)? {
        b"NessusClientData_v2" => Some(Format::NessusXml),
        b"nmaprun" => Some(Format::NmapXml),
        b"NexposeReport" => Some(Format::NexposeXml),
        b"SCAN" | b"ASSET_DATA_REPORT" | b"HOST_LIST_VM_DETECTION_OUTPUT" => Some(Format::QualysXml),
        b"bom" if contains(body, b"cyclonedx.org/schema/bom") => Some(Format::CycloneDxXml),
        // A Greenbone export is `<report>` holding `<report>`; the GMP answer wraps it.
        b"report" | b"get_reports_response"
            if contains(body, b"<results")
                || contains(body, b"<omp")
                || contains(body, b"<gmp")
                || contains(body, b"<nvt")
                || contains(body, b"<task") =>
        {
            Some(Format::OpenvasXml)
        }
        _ => None,
    }
}

fn detect_text(body: &[u8]) -> Option<Format> {
    // SPDX tag-value: a `SPDXVersion:` line before anything that is not a comment or blank.
    for line in body.split(|b| *b == b'\n') {
        let line = line.trim_ascii();
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        if line.starts_with(b"SPDXVersion:") {
            return Some(Format::SpdxTagValue);
        }
        break;
    }
    let first = body.split(|b| *b == b'\n').next()?;
    let fields: Vec<String> = first
        .split(|b| *b == b',')
        .map(|f| String::from_utf8_lossy(f).trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect();
    let has = |n: &str| fields.iter().any(|f| f == n);
    if (has("plugin id") || has("plugin")) && (has("host") || has("ip address")) {
        return Some(Format::NessusCsv);
    }
    if has("ip") && has("nvt oid") {
        return Some(Format::OpenvasCsv);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_content() {
        assert_eq!(detect(b"\xEF\xBB\xBF<?xml version='1.0'?>\n<NessusClientData_v2>"), Some(Format::NessusXml));
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?><!DOCTYPE nmaprun><?xml-stylesheet href=\"x\"?><!-- c --><nmaprun>"),
            Some(Format::NmapXml)
        );
        assert_eq!(detect(b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">"), Some(Format::CycloneDxXml));
        assert_eq!(detect(b"<bom>"), None);
        assert_eq!(
            detect(b"{\n \"bomFormat\" : \"CycloneDX\", \"specVersion\": \"1.5\"}"),
            Some(Format::CycloneDxJson)
        );
        assert_eq!(detect(b"{\"spdxVersion\": \"SPDX-2.3\"}"), Some(Format::SpdxJson));
        assert_eq!(detect(b"# c\n\nSPDXVersion: SPDX-2.3\n"), Some(Format::SpdxTagValue));
        assert_eq!(detect(b"\"Plugin ID\",\"CVE\",\"Host\"\n"), Some(Format::NessusCsv));
        assert_eq!(detect(b"IP,Hostname,Port,NVT OID\n"), Some(Format::OpenvasCsv));
        assert_eq!(detect(b"<!DOCTYPE SCAN SYSTEM \"x.dtd\"><SCAN value=\"1\">"), Some(Format::QualysXml));
        assert_eq!(detect(b"hello"), None);
        assert_eq!(detect(b""), None);
        assert_eq!(detect(b"<"), None);
    }
}
