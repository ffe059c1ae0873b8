//! Which intelligence format a file holds, decided from its content (its first bytes), never from
//! its name: feeds get renamed, and folders of advisories also hold licences, READMEs, schemas,
//! manifests and checksums, which are recognised here as "not intelligence" so an import can skip
//! and list them instead of failing.

/// A format a reader in this crate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Nvd11,
    Nvd2,
    Cve5,
    KevJson,
    KevCsv,
    Epss,
    Csaf,
    CycloneDx,
    OpenVex,
    /// A Patchwise intelligence bundle (see [`crate::bundle`]), decompressed.
    Bundle,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Nvd11 => "NVD 1.1 JSON feed",
            Format::Nvd2 => "NVD CVE API 2.0 JSON",
            Format::Cve5 => "CVE JSON 5 record",
            Format::KevJson => "CISA KEV catalog (JSON)",
            Format::KevCsv => "CISA KEV catalog (CSV)",
            Format::Epss => "EPSS scores (CSV)",
            Format::Csaf => "CSAF 2.0 document",
            Format::CycloneDx => "CycloneDX VEX",
            Format::OpenVex => "OpenVEX document",
            Format::Bundle => "Patchwise intelligence bundle",
        }
    }
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    Intel(Format),
    /// Gzip-compressed: decompress and detect again.
    Gzip,
    /// A zip archive.
    Zip,
    /// Not intelligence; the reason names what it looks like (`JSON schema`, `text`, `checksum`).
    Other(String),
}

/// How many bytes [`detect`] wants to see. Top-level keys of every supported JSON format appear
/// well within this; a JSON document whose telling key comes later is reported as unknown JSON.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Decides a file's format from its first bytes (up to [`SNIFF_BYTES`]).
pub fn detect(head: &[u8]) -> Detected {
    if head.starts_with(&[0x1f, 0x8b]) {
        return Detected::Gzip;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Detected::Zip;
    }
    let head = head.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return detect_json(trimmed);
    }
    if trimmed.starts_with('[') {
        return Detected::Other("a JSON array (no supported feed is a bare array)".into());
    }
    let first_line = trimmed.lines().next().unwrap_or("").trim();
    if first_line.starts_with("#model_version") || first_line.eq_ignore_ascii_case("cve,epss,percentile") {
        return Detected::Intel(Format::Epss);
    }
    let lower = first_line.to_ascii_lowercase();
    if lower.starts_with("cveid,vendorproject,product") {
        return Detected::Intel(Format::KevCsv);
    }
    if head.contains(&0) {
        return Detected::Other("binary data".into());
    }
    if first_line.starts_with("-----BEGIN PGP") {
        return Detected::Other("a PGP signature".into());
    }
    if is_checksum_line(first_line) {
        return Detected::Other("a checksum list".into());
    }
    Detected::Other("text that is not a supported feed".into())
}

fn is_checksum_line(line: &str) -> bool {
    let hex: String = line.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    matches!(hex.len(), 32 | 40 | 64 | 128) && line[hex.len()..].starts_with(|c: char| c.is_whitespace())
}

/// Looks for the keys that identify each JSON format. Values are matched loosely (`"key" :`),
/// which is enough: the reader then parses the document strictly.
fn detect_json(text: &str) -> Detected {
    let has_key = |k: &str| {
        let pat = format!("\"{k}\"");
        text.match_indices(&pat).any(|(i, _)| text[i + pat.len()..].trim_start().starts_with(':'))
    };
    // First: a bundle's records would otherwise look like the feeds they came from. Its header is
    // the first line and names the format.
    let first_line = text.lines().next().unwrap_or("");
    let bundle = first_line.match_indices("\"format\"").any(|(i, m)| {
        let rest = first_line[i + m.len()..].trim_start();
        rest.strip_prefix(':').is_some_and(|v| v.trim_start().starts_with("\"patchwise-intel-bundle/"))
    });
    if bundle {
        return Detected::Intel(Format::Bundle);
    }
    if has_key("$schema") && (has_key("properties") || has_key("definitions") || has_key("$defs")) {
        return Detected::Other("a JSON schema".into());
    }
    if has_key("CVE_Items") || has_key("CVE_data_type") {
        return Detected::Intel(Format::Nvd11);
    }
    if has_key("csaf_version") || (has_key("document") && has_key("tracking") && has_key("publisher")) {
        return Detected::Intel(Format::Csaf);
    }
    if has_key("catalogVersion") || (has_key("vulnerabilities") && has_key("cveID")) {
        return Detected::Intel(Format::KevJson);
    }
    if has_key("cveMetadata") || text.contains("\"CVE_RECORD\"") {
        return Detected::Intel(Format::Cve5);
    }
    if has_key("bomFormat") && text.contains("CycloneDX") {
        return Detected::Intel(Format::CycloneDx);
    }
    if has_key("@context") && text.contains("openvex") {
        return Detected::Intel(Format::OpenVex);
    }
    if has_key("resultsPerPage") || text.contains("\"NVD_CVE\"") || (has_key("vulnerabilities") && has_key("cve")) {
        return Detected::Intel(Format::Nvd2);
    }
    Detected::Other("JSON that is not a supported feed".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> Detected {
        detect(s.as_bytes())
    }

    #[test]
    fn json_formats() {
        assert_eq!(fmt(r#"{"CVE_data_type" : "CVE", "CVE_Items": []}"#), Detected::Intel(Format::Nvd11));
        assert_eq!(
            fmt(r#"{"resultsPerPage":2000,"startIndex":0,"format":"NVD_CVE","vulnerabilities":[]}"#),
            Detected::Intel(Format::Nvd2)
        );
        assert_eq!(fmt(r#"{"title":"CISA KEV","catalogVersion":"2025.08.25"}"#), Detected::Intel(Format::KevJson));
        assert_eq!(fmt(r#"{"dataType":"CVE_RECORD","cveMetadata":{}}"#), Detected::Intel(Format::Cve5));
        assert_eq!(fmt(r#"{"document":{"csaf_version":"2.0"}}"#), Detected::Intel(Format::Csaf));
        assert_eq!(fmt(r#"{"bomFormat":"CycloneDX","specVersion":"1.5"}"#), Detected::Intel(Format::CycloneDx));
        assert_eq!(fmt(r#"{"@context":"https://openvex.dev/ns/v0.2.0"}"#), Detected::Intel(Format::OpenVex));
        assert_eq!(
            fmt(concat!(
                r#"{"format":"patchwise-intel-bundle/1","created":"2025-01-01T00:00:00Z","records":1}"#,
                "\n",
                r#"{"record":"kev","cve":"CVE-2022-0028","vulnerabilities":[],"cveID":"x"}"#
            )),
            Detected::Intel(Format::Bundle)
        );
        assert_eq!(fmt(r#"{ "format" : "patchwise-intel-bundle/9" }"#), Detected::Intel(Format::Bundle));
        assert!(matches!(fmt(r#"{"format":"other-tool/1"}"#), Detected::Other(_)));
        assert!(matches!(fmt(r#"{"$schema":"x","properties":{}}"#), Detected::Other(_)));
        assert!(matches!(fmt(r#"{"name":"package.json"}"#), Detected::Other(_)));
    }

    #[test]
    fn text_formats_and_others() {
        assert_eq!(
            fmt("#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000\ncve,epss,percentile\n"),
            Detected::Intel(Format::Epss)
        );
        assert_eq!(fmt("\u{feff}cveID,vendorProject,product,vulnerabilityName\n"), Detected::Intel(Format::KevCsv));
        assert_eq!(detect(&[0x1f, 0x8b, 8, 0]), Detected::Gzip);
        assert_eq!(detect(b"PK\x03\x04rest"), Detected::Zip);
        assert!(
            matches!(fmt("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  kev.json\n"), Detected::Other(m) if m.contains("checksum"))
        );
        assert!(matches!(fmt("MIT License\n\nPermission is hereby granted"), Detected::Other(_)));
        assert!(matches!(fmt(""), Detected::Other(_)));
    }
}
