//! SPDX 2.x JSON and tag-value: every SPDX 2 example in sbom-vex.

use scan::Format;
use serde_json::Value;

use crate::support::{check_truncations, files, fixture, name};

/// Packages counted without the reader: the generic JSON value's `packages`, or
/// `PackageName:` lines.
fn naive(format: Format, bytes: &[u8]) -> u64 {
    match format {
        Format::SpdxJson => {
            let v: Value = serde_json::from_slice(bytes).unwrap();
            v.get("packages").and_then(Value::as_array).map_or(0, |a| a.len() as u64)
        }
        _ => {
            String::from_utf8_lossy(bytes).lines().filter(|l| l.trim_start().starts_with("PackageName:")).count() as u64
        }
    }
}

/// SPDX examples in sbom-vex that are rejected, and why. Every other SPDX 2 document is read.
/// (SPDX 3.0 JSON-LD documents have no `spdxVersion` and are not detected as SPDX 2; the
/// compressed trustify documents (.xz, .bz2) are not detected either: decompression belongs to
/// the caller's file layer.)
const REJECTED: &[(&str, &str)] = &[];

#[test]
fn every_spdx2_example() {
    let Some(dir) = fixture("sbom-vex") else { return };
    let (mut json, mut tv) = (0, 0);
    let mut rejected = 0;
    for p in files(&dir) {
        let bytes = std::fs::read(&p).unwrap();
        let Some(format @ (Format::SpdxJson | Format::SpdxTagValue)) =
            scan::detect(&bytes[..bytes.len().min(scan::DETECT_BYTES)])
        else {
            continue;
        };
        let file = name(&p);
        match scan::parse(format, &bytes[..], &file) {
            Ok(i) => {
                assert!(!REJECTED.iter().any(|(f, _)| file.ends_with(f)), "{file} was expected to be rejected");
                assert_eq!(i.summary.components, naive(format, &bytes), "{file}");
                assert_eq!(i.summary.hosts + i.summary.vulnerabilities, 0);
                assert!(i.components.iter().all(|c| !c.name.is_empty() || c.bom_ref.is_some()), "{file}");
                if format == Format::SpdxJson {
                    json += 1;
                    if bytes.len() < 2_000_000 {
                        check_truncations(format, &bytes, &file);
                    }
                } else {
                    tv += 1;
                    // Tag-value has no closing mark: a cut file can read as a shorter one, but
                    // must never panic.
                    for k in 1..10 {
                        let _ = scan::parse(format, &bytes[..bytes.len() * k / 10], &file);
                    }
                }
            }
            Err(e) => {
                let why = REJECTED.iter().find(|(f, _)| file.ends_with(f)).unwrap_or_else(|| panic!("{e}"));
                assert!(e.to_string().contains(why.1), "{e}");
                rejected += 1;
            }
        }
    }
    assert_eq!(rejected, REJECTED.len());
    assert!(json >= 40 && tv >= 12, "{json} JSON, {tv} tag-value");
}

#[test]
fn tag_value_details() {
    let Some(p) = fixture("sbom-vex/spdx-examples/software/example6/spdx2.2/example6-lib.spdx") else { return };
    let bytes = std::fs::read(&p).unwrap();
    let i = scan::parse(Format::SpdxTagValue, &bytes[..], "example6-lib.spdx").unwrap();
    let go = &i.components[0];
    assert_eq!(
        (go.name.as_str(), go.version.as_deref(), go.supplier.as_deref()),
        ("go-1.15", Some("1.15.4"), Some("Canonical Ltd."))
    );
    assert!(go.subject);
    assert_eq!(go.hashes[0].alg, "SHA256");
    assert_eq!(i.components.iter().filter(|c| c.subject).count(), 1);

    let doc = "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: fw\nSPDXID: SPDXRef-fw\nPrimaryPackagePurpose: FIRMWARE\n\
               ExternalRef: SECURITY cpe23Type cpe:2.3:o:acme:plc_firmware:1.2:*:*:*:*:*:*:*\nExternalRef: PACKAGE-MANAGER purl pkg:generic/acme/fw@1.2\n\
               PackageComment: <text>two\nlines</text>\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-fw\n";
    let i = scan::parse(Format::SpdxTagValue, doc.as_bytes(), "t.spdx").unwrap();
    let c = &i.components[0];
    assert_eq!(
        (c.kind, c.subject, c.purl.as_deref(), c.cpes.len()),
        (scan::ComponentKind::Firmware, true, Some("pkg:generic/acme/fw@1.2"), 1)
    );
    let e = scan::parse(
        Format::SpdxTagValue,
        b"SPDXVersion: SPDX-2.3\nPackageComment: <text>never closed\n".as_slice(),
        "t.spdx",
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "t.spdx: line 2: `PackageComment: <text>` is never closed by `</text>` (truncated?)");
    let e = scan::parse(Format::SpdxTagValue, b"SPDXVersion: SPDX-2.3\njunk line\n".as_slice(), "t.spdx").unwrap_err();
    assert!(e.to_string().starts_with("t.spdx: line 2: expected `Tag: value`"), "{e}");
    let e =
        scan::parse(Format::SpdxJson, br#"{"spdxVersion":"SPDX-2.3","packages":[{"name":1}]}"#.as_slice(), "t.json")
            .unwrap_err();
    assert!(e.to_string().starts_with("t.json: line 1 column ") && e.to_string().contains("packages[0].name"), "{e}");
}
