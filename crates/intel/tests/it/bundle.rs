//! Intelligence bundles on hand-built records: write/read round trips, signatures and trust, and
//! refusal of every truncation and every flipped byte.

use std::io::{Read, Write};
use std::path::PathBuf;

use flate2::read::MultiGzDecoder;
use intel::bundle::{self, BundleError, BundleInfo, BundleTrust, BundleWriter, Counts, SignatureStatus, SigningKey};
use intel::detect::{Detected, Format, detect};
use intel::files::{Destination, Skip};
use intel::{IntelError, ReadOptions, ReadSummary};
use model::advisory::*;
use sha2::{Digest, Sha256};

use crate::support::doc;

const CREATED: &str = "2025-03-01T10:00:00Z";

fn prov(source: Source, document: &str) -> Provenance {
    Provenance {
        source,
        document: document.into(),
        revision: Some("2".into()),
        file: Some(format!("feeds/{document}.json")),
        digest: Some("ab".repeat(32)),
        retrieved_at: Some("2025-02-28T08:00:00Z".into()),
    }
}

/// One record of each kind; the advisory carries every nested shape (ranges, configurations,
/// remediations, non-ASCII text, a newline in a description).
fn records() -> Vec<IntelRecord> {
    let cve = "CVE-2022-0028";
    let advisory = Advisory {
        id: "ICSA-24-102-03".into(),
        kind: AdvisoryKind::VendorAdvisory,
        aliases: vec![cve.into()],
        title: Some("Siemens SIMATIC — “quoted” title".into()),
        description: Some("line one\nline two \u{2028} \"quoted\"".into()),
        cwes: vec!["CWE-787".into()],
        published: Some("2024-04-11T00:00:00Z".into()),
        modified: Some("2024-05-01T00:00:00Z".into()),
        rejected: false,
        cvss: vec![CvssVector {
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
            scored_by: Some("Siemens".into()),
            published_score: Some("9.8".into()),
            vulnerability: None,
        }],
        affected: vec![
            AffectedStatement {
                vulnerability: cve.into(),
                target: Target::Product {
                    product: ProductName {
                        vendor: Some("Siemens".into()),
                        product: Some("SIMATIC S7-1500".into()),
                        model_numbers: vec!["6ES7516-3AN02-0AB0".into()],
                        ..ProductName::default()
                    },
                    versions: VersionSpec::Range {
                        start: Some(Bound { version: "2.0".into(), inclusive: true }),
                        end: Some(Bound { version: "2.9.4".into(), inclusive: false }),
                    },
                },
                status: ProductStatus::Affected,
                justification: None,
                detail: None,
            },
            AffectedStatement {
                vulnerability: cve.into(),
                target: Target::Configuration {
                    configuration: Configuration {
                        operator: Operator::And,
                        negate: false,
                        nodes: vec![ConfigNode {
                            operator: Operator::Or,
                            negate: false,
                            matches: vec![CpeMatch {
                                vulnerable: true,
                                criteria: "cpe:2.3:o:siemens:s7-1500_firmware:*:*:*:*:*:*:*:*".into(),
                                version_start_including: None,
                                version_start_excluding: None,
                                version_end_including: None,
                                version_end_excluding: Some("2.9.4".into()),
                                match_criteria_id: None,
                            }],
                            children: vec![],
                        }],
                    },
                },
                status: ProductStatus::NotAffected,
                justification: Some(Justification::VulnerableCodeNotPresent),
                detail: Some("not in this build".into()),
            },
        ],
        remediations: vec![Remediation {
            vulnerability: cve.into(),
            kind: RemediationKind::VendorFix,
            details: "Update to V2.9.4".into(),
            products: vec![],
            fixed_version: Some("2.9.4".into()),
            url: None,
            date: None,
            restart_required: Some("machine".into()),
        }],
        references: vec![Reference { url: "https://example.invalid/a".into(), tags: vec!["x".into()] }],
        warnings: vec!["a loose range was normalised".into()],
        provenance: prov(Source::Csaf, "ICSA-24-102-03"),
    };
    vec![
        IntelRecord::Advisory(Box::new(advisory)),
        IntelRecord::Kev(KevEntry {
            cve: cve.into(),
            vendor_project: Some("Palo Alto Networks".into()),
            product: Some("PAN-OS".into()),
            name: None,
            date_added: "2022-08-22".into(),
            due_date: Some("2022-09-12".into()),
            required_action: None,
            ransomware: RansomwareUse::Unknown,
            description: None,
            notes: None,
            cwes: vec![],
            provenance: prov(Source::Kev, "cisa-kev"),
        }),
        IntelRecord::Epss(EpssScore {
            cve: cve.into(),
            score: 0.94312,
            percentile: 0.99917,
            date: "2025-02-20".into(),
            model_version: Some("v2023.03.01".into()),
            provenance: prov(Source::Epss, "first-epss"),
        }),
        IntelRecord::Ssvc(SsvcPoints {
            cve: cve.into(),
            exploitation: Some(Exploitation::Active),
            automatable: Some(true),
            technical_impact: None,
            role: Some("CISA Coordinator".into()),
            version: Some("2.0.3".into()),
            timestamp: Some("2024-06-01T12:00:00Z".into()),
            provenance: prov(Source::Cve5Adp, "CVE-2022-0028#adp/CISA-ADP"),
        }),
    ]
}

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn trust(keys: &[&SigningKey], require: bool) -> BundleTrust {
    BundleTrust { keys: keys.iter().map(|k| bundle::public_key(k)).collect(), require }
}

/// A gzip-compressed bundle of `records()`.
fn written(signing_key: Option<&SigningKey>) -> Vec<u8> {
    let (out, summary) = bundle::write(Vec::new(), records().iter().cloned(), CREATED, signing_key).unwrap();
    assert_eq!(summary.records, 4);
    assert_eq!(summary.key_id, signing_key.map(|k| bundle::key_id(&bundle::public_key(k))));
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    MultiGzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn read(bytes: &[u8], trust: &BundleTrust) -> Result<(BundleInfo, Vec<IntelRecord>), IntelError> {
    let mut out = Vec::new();
    let info = bundle::read(bytes, &doc("test.bundle"), trust, &mut |r| {
        out.push(r);
        Ok(())
    })?;
    Ok((info, out))
}

fn refused(bytes: &[u8], trust: &BundleTrust) -> String {
    match read(bytes, trust) {
        Ok((info, _)) => panic!("accepted a bad bundle: {info:?}"),
        Err(e) => e.to_string(),
    }
}

/// The decompressed lines, each without its newline.
fn lines(plain: &[u8]) -> Vec<String> {
    String::from_utf8(plain.to_vec()).unwrap().lines().map(str::to_string).collect()
}

/// Reassembles lines into a decompressed bundle whose trailer digest matches its content again,
/// so that a test exercises exactly the defect it introduced.
fn reseal(mut lines: Vec<String>) -> Vec<u8> {
    let trailer = lines.pop().unwrap();
    let mut body = String::new();
    for l in &lines {
        body.push_str(l);
        body.push('\n');
    }
    let sha = bundle::hex(&Sha256::digest(body.as_bytes()));
    let mut t: serde_json::Value = serde_json::from_str(&trailer).unwrap();
    t["sha256"] = sha.into();
    body.push_str(&serde_json::to_string(&t).unwrap());
    body.push('\n');
    body.into_bytes()
}

#[test]
fn round_trip_keeps_every_record_and_its_provenance() {
    let bytes = written(None);
    assert_eq!(detect(&bytes), Detected::Gzip);
    let (info, got) = read(&bytes, &BundleTrust::default()).unwrap();
    assert_eq!(got, records());
    assert_eq!(info.created, CREATED);
    assert_eq!(info.generator, bundle::GENERATOR);
    assert_eq!(info.records, 4);
    assert_eq!(info.signature, SignatureStatus::Unsigned);
    let per_source: Vec<(Source, usize)> = info.sources.into_iter().collect();
    assert_eq!(per_source, vec![(Source::Cve5Adp, 1), (Source::Kev, 1), (Source::Epss, 1), (Source::Csaf, 1)]);
    assert_eq!(info.sha256.len(), 64);
}

#[test]
fn the_layout_is_header_records_trailer() {
    let plain = gunzip(&written(None));
    assert_eq!(detect(&plain), Detected::Intel(Format::Bundle));
    let lines = lines(&plain);
    assert_eq!(lines.len(), 6);
    let header: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(header["format"], "patchwise-intel-bundle/1");
    assert_eq!(header["created"], CREATED);
    assert_eq!(header["records"], 4);
    assert_eq!(header["sources"]["kev"], 1);
    assert!(header["generator"].as_str().unwrap().starts_with("patchwise "));
    assert!(lines[1].starts_with(r#"{"record":"advisory""#), "{}", lines[1]);
    let trailer: serde_json::Value = serde_json::from_str(&lines[5]).unwrap();
    assert_eq!(trailer["trailer"], true);
    assert_eq!(trailer["records"], 4);
    assert_eq!(trailer["signature"], serde_json::Value::Null);
    let body_len = plain.len() - lines[5].len() - 1;
    assert_eq!(trailer["sha256"], bundle::hex(&Sha256::digest(&plain[..body_len])));
}

#[test]
fn a_decompressed_or_recompressed_bundle_reads_the_same() {
    let plain = gunzip(&written(None));
    let (_, got) = read(&plain, &BundleTrust::default()).unwrap();
    assert_eq!(got, records());
    // Recompressed by another tool, even as several gzip members (`cat a.gz b.gz`).
    let (a, b) = plain.split_at(plain.len() / 3);
    let mut two = gzip(a);
    two.extend(gzip(b));
    let (_, got) = read(&two, &BundleTrust::default()).unwrap();
    assert_eq!(got, records());
}

#[test]
fn the_signature_covers_the_digest_and_is_checked_against_trusted_keys() {
    let (k1, k2) = (key(1), key(2));
    let bytes = written(Some(&k1));
    let id1 = bundle::key_id(&bundle::public_key(&k1));
    let plain = gunzip(&bytes);
    let lines = lines(&plain);
    let trailer: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(trailer["signature"]["alg"], "ed25519");
    assert_eq!(trailer["signature"]["key_id"], id1.as_str());
    let sig: Vec<u8> = (0..64)
        .map(|i| u8::from_str_radix(&trailer["signature"]["sig"].as_str().unwrap()[i * 2..i * 2 + 2], 16).unwrap())
        .collect();
    // The documented message, checked with the key alone.
    let message = format!("patchwise-intel-bundle/1 sha256:{}", trailer["sha256"].as_str().unwrap());
    assert!(
        k1.verifying_key()
            .verify_strict(message.as_bytes(), &ed25519_dalek::Signature::from_slice(&sig).unwrap())
            .is_ok()
    );

    let (info, got) = read(&bytes, &trust(&[&k2, &k1], true)).unwrap();
    assert_eq!(info.signature, SignatureStatus::Verified { key_id: id1.clone() });
    assert_eq!(got, records());
    assert_eq!(info.signature.to_string(), format!("verified (key {id1})"));
    // No trusted key, or another one: accepted unverified unless a signature is required.
    assert_eq!(
        read(&bytes, &BundleTrust::default()).unwrap().0.signature,
        SignatureStatus::Untrusted { key_id: id1.clone() }
    );
    assert_eq!(
        read(&bytes, &trust(&[&k2], false)).unwrap().0.signature,
        SignatureStatus::Untrusted { key_id: id1.clone() }
    );
    let e = refused(&bytes, &trust(&[&k2], true));
    assert!(e.contains("not trusted") && e.contains(&id1), "{e}");
}

#[test]
fn an_unsigned_bundle_is_refused_when_a_signature_is_required() {
    let bytes = written(None);
    let e = refused(&bytes, &trust(&[&key(1)], true));
    assert!(e.contains("unsigned") && e.contains("test.bundle"), "{e}");
    assert_eq!(read(&bytes, &trust(&[&key(1)], false)).unwrap().0.signature, SignatureStatus::Unsigned);
}

#[test]
fn a_bad_signature_is_always_refused() {
    let k1 = key(1);
    let plain = gunzip(&written(Some(&k1)));
    let mut lines = lines(&plain);
    let mut t: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    // Another key's signature over the same digest, under key 1's id.
    let message = format!("patchwise-intel-bundle/1 sha256:{}", t["sha256"].as_str().unwrap());
    t["signature"]["sig"] = bundle::hex(&ed25519_dalek::Signer::sign(&key(2), message.as_bytes()).to_bytes()).into();
    *lines.last_mut().unwrap() = serde_json::to_string(&t).unwrap();
    let forged = reseal(lines);
    for require in [false, true] {
        let e = refused(&forged, &trust(&[&k1], require));
        assert!(e.contains("does not hold"), "{e}");
    }
    // Malformed signatures and unknown algorithms are refused even with no trusted key.
    let mut lines2 = self::lines(&plain);
    let mut t2: serde_json::Value = serde_json::from_str(lines2.last().unwrap()).unwrap();
    t2["signature"]["sig"] = "00ff".into();
    *lines2.last_mut().unwrap() = serde_json::to_string(&t2).unwrap();
    assert!(refused(&reseal(lines2.clone()), &BundleTrust::default()).contains("hex digits"));
    t2["signature"]["alg"] = "rsa".into();
    *lines2.last_mut().unwrap() = serde_json::to_string(&t2).unwrap();
    assert!(refused(&reseal(lines2), &BundleTrust::default()).contains("not supported"));
}

#[test]
fn a_signed_bundle_whose_content_changed_fails_its_signature() {
    // Content changed and the digest recomputed (as an attacker could): only the signature tells.
    let k1 = key(1);
    let plain = gunzip(&written(Some(&k1)));
    let mut lines = lines(&plain);
    lines[2] = lines[2].replace("2022-08-22", "2099-08-22");
    let changed = reseal(lines);
    assert!(refused(&changed, &trust(&[&k1], false)).contains("does not hold"));
    // Without a trusted key it is only "not verified": that is what --require-signature is for.
    assert!(matches!(read(&changed, &BundleTrust::default()).unwrap().0.signature, SignatureStatus::Untrusted { .. }));
}

#[test]
fn every_truncation_is_refused() {
    let plain = gunzip(&written(Some(&key(1))));
    let t = BundleTrust::default();
    for len in 0..plain.len() {
        let e = refused(&plain[..len], &t);
        assert!(e.contains("test.bundle"), "cut at {len}: {e}");
    }
    // Compressed and cut: the gzip stream ends early.
    let bytes = written(None);
    for len in [0, 1, 2, 10, bytes.len() / 2, bytes.len() - 9, bytes.len() - 1] {
        refused(&bytes[..len], &t);
    }
}

#[test]
fn every_flipped_byte_is_refused() {
    let k1 = key(1);
    let signed = gunzip(&written(Some(&k1)));
    let unsigned = gunzip(&written(None));
    for (plain, trust) in [(&signed, trust(&[&k1], true)), (&unsigned, BundleTrust::default())] {
        for i in 0..plain.len() {
            for mask in [0x01, 0x20, 0x80] {
                let mut bad = plain.clone();
                bad[i] ^= mask;
                if let Ok((info, _)) = read(&bad, &trust) {
                    panic!("byte {i} ^ {mask:#x} ({:?}) accepted: {info:?}", char::from(plain[i]));
                }
            }
        }
    }
}

#[test]
fn a_flipped_compressed_byte_never_changes_what_is_accepted() {
    // Bytes of the gzip header that no checksum covers (the timestamp) may change harmlessly;
    // anything else is refused by gzip's CRC or by the bundle's own digest.
    let bytes = written(None);
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x04;
        if let Ok((_, got)) = read(&bad, &BundleTrust::default()) {
            assert_eq!(got, records(), "byte {i} changed the records");
        }
    }
}

#[test]
fn counts_that_disagree_are_refused() {
    let plain = gunzip(&written(None));
    let t = BundleTrust::default();
    // The trailer's count (not covered by the digest).
    let mut l = lines(&plain);
    *l.last_mut().unwrap() = l.last().unwrap().replace(r#""records":4"#, r#""records":3"#);
    assert!(refused(&reseal(l), &t).contains("says 3 records"));
    // The header's count, with the digest recomputed.
    let mut l = lines(&plain);
    l[0] = l[0].replace(r#""records":4"#, r#""records":5"#);
    assert!(refused(&reseal(l), &t).contains("do not match"));
    // A record removed, both counts left.
    let mut l = lines(&plain);
    l.remove(2);
    assert!(refused(&reseal(l), &t).contains("holds 3"));
    // A record added beyond the header's count.
    let mut l = lines(&plain);
    let extra = l[2].clone();
    l.insert(2, extra);
    assert!(refused(&reseal(l), &t).contains("more records than"));
    // Per-source counts that do not add up.
    let mut l = lines(&plain);
    l[0] = l[0].replace(r#""kev":1"#, r#""nvd-2.0":1"#);
    assert!(refused(&reseal(l), &t).contains("do not match"));
}

#[test]
fn malformed_bundles_are_refused_with_a_place() {
    let plain = gunzip(&written(None));
    let t = BundleTrust::default();
    assert!(refused(b"", &t).contains("line 1"));
    let l = lines(&plain);
    // No trailer.
    let mut no_trailer = String::new();
    for x in &l[..5] {
        no_trailer.push_str(x);
        no_trailer.push('\n');
    }
    assert!(refused(no_trailer.as_bytes(), &t).contains("without its trailer"));
    // Data after the trailer.
    let mut after = plain.clone();
    after.extend_from_slice(b"{}\n");
    assert!(refused(&after, &t).contains("after the trailer"));
    // A later format version names itself.
    let mut v2 = l.clone();
    v2[0] = v2[0].replace("patchwise-intel-bundle/1", "patchwise-intel-bundle/2");
    let e = refused(&reseal(v2), &t);
    assert!(e.contains("patchwise-intel-bundle/2") && e.contains("not supported"), "{e}");
    // A record that does not parse names its line.
    let mut broken = l.clone();
    broken[3] = r#"{"record":"epss","cve":"CVE-1"}"#.into();
    let e = refused(&reseal(broken), &t);
    assert!(e.contains("line 4") && e.contains("not a readable intelligence record"), "{e}");
    // The trailer is read strictly: a missing `signature` (stripped) or an unknown key is refused.
    let mut stripped = l.clone();
    stripped[5] = stripped[5].replace(r#","signature":null"#, "");
    assert!(refused(&reseal(stripped), &t).contains("missing field `signature`"));
    let mut extra = l.clone();
    extra[5] = extra[5].replace(r#""signature":null"#, r#""signature":null,"note":"x""#);
    assert!(refused(&reseal(extra), &t).contains("unknown field"));
    // Not a bundle at all.
    assert!(refused(b"{\"catalogVersion\":\"1\"}\n", &t).contains("not a bundle header"));
    assert!(refused(&[0xff; 100], &t).contains("line 1"));
}

#[test]
fn a_sink_error_stops_the_read() {
    let bytes = written(None);
    let mut n = 0;
    let e = bundle::read(bytes.as_slice(), &doc("x"), &BundleTrust::default(), &mut |_| {
        n += 1;
        Err(IntelError::Sink("store full".into()))
    })
    .unwrap_err();
    assert_eq!(n, 1);
    assert!(matches!(e, IntelError::Sink(m) if m == "store full"));
}

#[test]
fn the_writer_refuses_records_that_differ_from_its_counts() {
    let recs = records();
    let mut counts = Counts::default();
    counts.add(&recs[0]);
    let mut w = BundleWriter::new(Vec::new(), CREATED, &counts).unwrap();
    w.push(&recs[0]).unwrap();
    assert!(matches!(w.push(&recs[1]), Err(BundleError::Changed { declared: 1, written: 2 })));
    // Fewer than counted, or the same number from other sources.
    counts.add(&recs[1]);
    let mut w = BundleWriter::new(Vec::new(), CREATED, &counts).unwrap();
    w.push(&recs[0]).unwrap();
    assert!(matches!(w.finish(None), Err(BundleError::Changed { .. })));
    let mut w = BundleWriter::new(Vec::new(), CREATED, &counts).unwrap();
    w.push(&recs[0]).unwrap();
    w.push(&recs[2]).unwrap();
    assert!(matches!(w.finish(None), Err(BundleError::Changed { .. })));
    // JSON has no NaN.
    let IntelRecord::Epss(mut e) = recs[2].clone() else { panic!() };
    e.score = f64::NAN;
    let nan = IntelRecord::Epss(e);
    assert!(bundle::write(Vec::new(), std::iter::once(nan), CREATED, None).is_err());
}

#[test]
fn an_empty_bundle_round_trips() {
    let (bytes, _) = bundle::write(Vec::new(), std::iter::empty(), CREATED, Some(&key(3))).unwrap();
    let (info, got) = read(&bytes, &trust(&[&key(3)], true)).unwrap();
    assert!(got.is_empty());
    assert_eq!(info.records, 0);
}

/// A destination that keeps what the walker hands it.
#[derive(Default)]
struct Collect {
    records: Vec<IntelRecord>,
    bundles: Vec<(String, BundleInfo)>,
    done: Vec<(String, Format, ReadSummary)>,
}

impl Destination for Collect {
    fn seen(&mut self, _digest: &str) -> Result<bool, IntelError> {
        Ok(false)
    }
    fn put(&mut self, record: IntelRecord) -> Result<(), IntelError> {
        self.records.push(record);
        Ok(())
    }
    fn done(&mut self, file: &str, _digest: &str, format: Format, summary: &ReadSummary) -> Result<(), IntelError> {
        self.done.push((file.to_string(), format, summary.clone()));
        Ok(())
    }
    fn skipped(&mut self, file: &str, reason: Skip) {
        panic!("{file} skipped: {reason:?}");
    }
    fn bundle(&mut self, file: &str, info: &BundleInfo) -> Result<(), IntelError> {
        self.bundles.push((file.to_string(), info.clone()));
        Ok(())
    }
}

#[test]
fn the_file_walker_detects_bundles_by_content_and_applies_trust() {
    let dir = std::env::temp_dir().join(format!("intel-bundle-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("renamed.dat");
    std::fs::write(&file, written(Some(&key(1)))).unwrap();
    let paths: Vec<PathBuf> = vec![file.clone()];

    let mut dest = Collect::default();
    let options = ReadOptions { bundle_trust: trust(&[&key(1)], true) };
    intel::files::import_paths_with(&paths, CREATED, intel::files::Limits::default(), &options, &mut dest).unwrap();
    assert_eq!(dest.records, records());
    assert_eq!(dest.bundles.len(), 1);
    assert!(matches!(dest.bundles[0].1.signature, SignatureStatus::Verified { .. }));
    assert_eq!(dest.done[0].1, Format::Bundle);
    assert_eq!(dest.done[0].2.records, 4);

    // The same bundle under a key it was not signed with, signature required: refused.
    let mut dest = Collect::default();
    let options = ReadOptions { bundle_trust: trust(&[&key(2)], true) };
    let e = intel::files::import_paths_with(&paths, CREATED, intel::files::Limits::default(), &options, &mut dest)
        .unwrap_err();
    assert!(e.to_string().contains("renamed.dat"), "{e}");
    assert!(dest.done.is_empty());

    // Through read_format (no trust): read, signature unverified.
    let mut n = 0;
    let plain = gunzip(&std::fs::read(&file).unwrap());
    let s = intel::read_format(Format::Bundle, plain.as_slice(), &doc("x"), &mut |_| {
        n += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!((s.records, n), (4, 4));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_reader_survives_hostile_lines() {
    let t = BundleTrust::default();
    let header = format!(
        r#"{{"format":"patchwise-intel-bundle/1","created":"{CREATED}","generator":"x","records":1,"sources":{{"kev":1}}}}"#
    );
    for body in [
        "{\"record\"\n",
        "{\"record\":\"kev\",\"cve\":1}\n",
        "{\"trailer\":true,\"records\":18446744073709551615,\"sha256\":\"\",\"signature\":null}\n",
        "{\"trailer\":false,\"records\":0,\"sha256\":\"\",\"signature\":null}\n",
        "\n",
        "\u{0}\u{0}\n",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
    ] {
        let input = format!("{header}\n{body}");
        refused(input.as_bytes(), &t);
    }
    // A header whose counts are absurd is only a number until the trailer disagrees.
    let huge = header.replace(r#""records":1"#, r#""records":99999999999"#);
    refused(format!("{huge}\n").as_bytes(), &t);
    // Deep nesting inside a record is bounded by serde_json's recursion limit, not the stack.
    let deep = format!("{header}\n{{\"record\":\"kev\",\"cve\":{}{}}}\n", "[".repeat(10_000), "]".repeat(10_000));
    refused(deep.as_bytes(), &t);
}
