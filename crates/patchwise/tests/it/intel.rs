//! `patchwise intel …` over the real feeds in ../shared/fixtures: the acceptance import.

use super::*;

#[test]
fn importing_the_real_feeds_brings_every_fact_together_with_provenance() {
    let (Some(kev), Some(csaf), Some(nvd), Some(vr)) =
        (fixture("kev"), fixture("csaf-cisa"), fixture("nvd-json-1.1"), fixture("vulnrichment"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.db");
    let paths = [&kev, &csaf, &nvd, &vr].map(|p| p.to_str().unwrap().to_string());
    let mut args = vec!["intel", "import", "--json"];
    args.extend(paths.iter().map(String::as_str));
    let report: serde_json::Value = serde_json::from_str(&ok(&db, &args)).unwrap();
    // Licences, READMEs, schemas, manifests and feed indexes are listed, not read.
    let skipped: Vec<&str> =
        report["skipped"].as_array().unwrap().iter().map(|s| s["file"].as_str().unwrap()).collect();
    assert!(skipped.iter().any(|f| f.ends_with("LICENSE")), "{skipped:?}");
    assert!(skipped.iter().any(|f| f.ends_with("known_exploited_vulnerabilities_schema.json")), "{skipped:?}");

    let status: serde_json::Value = serde_json::from_str(&ok(&db, &["intel", "status", "--json"])).unwrap();
    let count = |source: &str| -> u64 {
        status
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["source"] == source)
            .map(|s| s["records"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(count("kev"), 1_404, "{status}");
    assert_eq!(count("csaf"), 2_383, "{status}");
    assert_eq!(count("nvd-1.1") + count("nvd-2.0"), 15_913, "{status}");
    assert_eq!(count("cve-5"), 4_160, "{status}");

    let view: serde_json::Value =
        serde_json::from_str(&ok(&db, &["intel", "show", "CVE-2022-0028", "--json"])).unwrap();
    let sources: Vec<&str> =
        view["advisories"].as_array().unwrap().iter().map(|a| a["provenance"]["source"].as_str().unwrap()).collect();
    assert!(sources.contains(&"nvd-1.1"), "{sources:?}");
    assert!(sources.contains(&"csaf"), "{sources:?}");
    assert!(
        view["advisories"].as_array().unwrap().iter().any(|a| a["id"] == "ICSA-24-102-03"),
        "the CISA ICS advisory covering the CVE is missing"
    );
    let nvd_adv =
        view["advisories"].as_array().unwrap().iter().find(|a| a["provenance"]["source"] == "nvd-1.1").unwrap();
    assert!(!nvd_adv["affected"].as_array().unwrap().is_empty(), "NVD configurations missing");
    assert!(!nvd_adv["cvss"].as_array().unwrap().is_empty(), "CVSS vectors missing");
    assert!(!view["kev"].as_array().unwrap().is_empty(), "KEV entry missing");
    assert!(!view["ssvc"].as_array().unwrap().is_empty(), "Vulnrichment SSVC points missing");
    for a in view["advisories"].as_array().unwrap() {
        assert!(a["provenance"]["digest"].as_str().is_some_and(|d| d.len() == 64), "{}", a["provenance"]);
    }

    // Loose CSAF ranges are listed per document, each with what was done about it.
    let quality: serde_json::Value = serde_json::from_str(&ok(&db, &["intel", "quality", "--json"])).unwrap();
    let quality = quality.as_array().unwrap();
    let csaf_flagged = quality.iter().filter(|q| q["source"] == "csaf").count();
    assert!(csaf_flagged > 100, "only {csaf_flagged} CSAF documents flagged");
    assert!(quality.iter().all(|q| !q["warnings"].as_array().unwrap().is_empty()));
    let limited: serde_json::Value =
        serde_json::from_str(&ok(&db, &["intel", "quality", "--limit", "3", "--json"])).unwrap();
    assert_eq!(limited.as_array().unwrap().len(), 3);

    // The same files again: nothing changes, every file is skipped as unchanged.
    let again: serde_json::Value = serde_json::from_str(&ok(&db, &args)).unwrap();
    assert_eq!(again["records"], 0, "{}", again["changes"]);
    assert_eq!(again["changes"]["advisories_new"], 0);
    assert_eq!(again["changes"]["advisories_updated"], 0);
}

#[test]
fn a_failed_intel_import_changes_nothing() {
    let Some(kev) = fixture("kev/known_exploited_vulnerabilities.json") else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.db");
    ok(&db, &["intel", "import", kev.to_str().unwrap()]);
    let before = dump(&db);
    // A newer copy of the catalog next to a truncated one: the whole import fails.
    let bad_dir = dir.path().join("feeds");
    std::fs::create_dir(&bad_dir).unwrap();
    let text = std::fs::read_to_string(&kev).unwrap();
    std::fs::write(bad_dir.join("a-kev-copy.json"), text.replace("2025.08.25", "2099.01.01")).unwrap();
    std::fs::write(bad_dir.join("b-broken.json"), &text[..text.len() / 2]).unwrap();
    let o = run(&db, &["intel", "import", bad_dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("b-broken.json") && err.contains("nothing was imported"), "{err}");
    assert_eq!(dump(&db), before, "a failed import changed the database");
}

#[test]
fn archives_that_escape_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.db");
    // A tar with a member named ../evil.json, written by hand (ustar header).
    let mut header = [0u8; 512];
    let name = b"../evil.json";
    header[..name.len()].copy_from_slice(name);
    header[100..108].copy_from_slice(b"0000644\0");
    header[108..116].copy_from_slice(b"0000000\0");
    header[116..124].copy_from_slice(b"0000000\0");
    header[124..136].copy_from_slice(b"00000000002\0");
    header[136..148].copy_from_slice(b"00000000000\0");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(b"{}");
    tar.resize(512 * 2, 0);
    tar.resize(512 * 4, 0);
    let file = dir.path().join("evil.tar");
    std::fs::write(&file, tar).unwrap();
    let o = run(&db, &["intel", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("path traversal"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// Intelligence bundles

/// Runs the binary with extra environment variables.
fn run_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_patchwise"));
    c.arg("--db").arg(db).args(args).env_remove("PATCHWISE_DB").env_remove("PATCHWISE_TRUSTED_KEYS");
    for (k, v) in env {
        c.env(k, v);
    }
    c.stdin(std::process::Stdio::null()).output().unwrap()
}

fn gunzip(path: &Path) -> String {
    let mut out = String::new();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap()), &mut out)
        .unwrap();
    out
}

fn gzip_to(path: &Path, text: &str) {
    let mut e = flate2::write::GzEncoder::new(std::fs::File::create(path).unwrap(), flate2::Compression::fast());
    std::io::Write::write_all(&mut e, text.as_bytes()).unwrap();
    e.finish().unwrap();
}

/// The record lines of a bundle (neither header nor trailer).
fn record_lines(bundle: &Path) -> Vec<String> {
    let text = gunzip(bundle);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 2, "{text}");
    lines[1..lines.len() - 1].iter().map(|l| l.to_string()).collect()
}

/// `intel status --json` without the import times, which belong to each database.
fn status_without_times(db: &Path) -> serde_json::Value {
    let mut status: serde_json::Value = serde_json::from_str(&ok(db, &["intel", "status", "--json"])).unwrap();
    for s in status.as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("last_import");
    }
    status
}

/// A key made by `intel bundle keygen`: (key file, public key hex, key id).
fn keygen(dir: &Path, name: &str) -> (PathBuf, String, String) {
    let file = dir.join(name);
    let o = run(&dir.join("unused.db"), &["intel", "bundle", "keygen", "--out", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = stdout(&o).trim().to_string();
    let id = stderr(&o).split("key id ").nth(1).unwrap()[..16].to_string();
    (file, public, id)
}

/// A small KEV catalog (CSV) written by hand, so these tests need no fixture.
fn small_kev(dir: &Path, name: &str, cves: &[&str]) -> PathBuf {
    let mut csv = String::from(
        "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n",
    );
    for cve in cves {
        csv.push_str(&format!(
            "{cve},ACME,Web PLC,\"ACME Web PLC, out-of-bounds write\",2024-02-01,\"A crafted packet.\",Apply updates.,2024-02-22,Unknown,,CWE-787\n"
        ));
    }
    let p = dir.join(name);
    std::fs::write(&p, csv).unwrap();
    p
}

#[test]
fn a_bundle_carries_the_intelligence_to_a_fresh_database_unchanged() {
    let Some(kev) = fixture("kev") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (db1, db2) = (dir.path().join("connected.db"), dir.path().join("plant.db"));
    ok(&db1, &["intel", "import", kev.to_str().unwrap()]);
    let bundle = dir.path().join("intel.pwb");
    let out = ok(&db1, &["intel", "bundle", "export", bundle.to_str().unwrap()]);
    assert!(out.contains("1404 record(s)") && out.contains("unsigned"), "{out}");

    let report: serde_json::Value =
        serde_json::from_str(&ok(&db2, &["intel", "import", "--json", bundle.to_str().unwrap()])).unwrap();
    assert_eq!(report["documents"]["Patchwise intelligence bundle"], 1, "{report}");
    assert_eq!(report["bundles"][0]["records"], 1404, "{report}");
    assert_eq!(report["bundles"][0]["signature"]["status"], "unsigned", "{report}");
    assert_eq!(status_without_times(&db2), status_without_times(&db1));
    for id in ["CVE-2022-0028", "CVE-2021-44228", "CVE-2025-48384"] {
        assert_eq!(ok(&db2, &["intel", "show", id, "--json"]), ok(&db1, &["intel", "show", id, "--json"]), "{id}");
    }
    // Provenance still names the catalog the connected side read.
    let view: serde_json::Value =
        serde_json::from_str(&ok(&db2, &["intel", "show", "CVE-2022-0028", "--json"])).unwrap();
    let file = view["kev"][0]["provenance"]["file"].as_str().unwrap();
    assert!(file.contains("known_exploited_vulnerabilities"), "{file}");
    // Exported again from the plant side: the same records, in the same order.
    let again = dir.path().join("again.pwb");
    ok(&db2, &["intel", "bundle", "export", again.to_str().unwrap()]);
    assert_eq!(record_lines(&again), record_lines(&bundle));
    // The same bundle twice: skipped as unchanged.
    let report: serde_json::Value =
        serde_json::from_str(&ok(&db2, &["intel", "import", "--json", bundle.to_str().unwrap()])).unwrap();
    assert_eq!(report["unchanged_files"], 1, "{report}");
}

#[test]
fn a_bundle_of_one_cve_holds_its_records_and_the_advisory_covering_it() {
    let (Some(kev), Some(csaf)) = (
        fixture("kev/known_exploited_vulnerabilities.json"),
        fixture("csaf-cisa/csaf_files/OT/white/2024/icsa-24-102-03.json"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("connected.db");
    ok(&db, &["intel", "import", kev.to_str().unwrap(), csaf.to_str().unwrap()]);
    let bundle = dir.path().join("one.pwb");
    ok(&db, &["intel", "bundle", "export", bundle.to_str().unwrap(), "--only", "CVE-2022-0028"]);
    let records: Vec<serde_json::Value> =
        record_lines(&bundle).iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let kinds: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r["record"].as_str().unwrap(), r["id"].as_str().or(r["cve"].as_str()).unwrap()))
        .collect();
    assert_eq!(kinds, [("advisory", "ICSA-24-102-03"), ("kev", "CVE-2022-0028")]);
    assert!(records[0]["aliases"].as_array().unwrap().iter().any(|a| a == "CVE-2022-0028"));
    assert!(records[0]["provenance"]["file"].as_str().unwrap().ends_with("icsa-24-102-03.json"));
    let header: serde_json::Value = serde_json::from_str(gunzip(&bundle).lines().next().unwrap()).unwrap();
    assert_eq!(header["records"], 2);
    assert_eq!(header["sources"], serde_json::json!({"kev": 1, "csaf": 1}));

    // An id nothing is known about is refused, and nothing is written.
    let none = dir.path().join("none.pwb");
    let o = run(&db, &["intel", "bundle", "export", none.to_str().unwrap(), "--only", "CVE-2022-0028,CVE-1999-9999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("CVE-1999-9999"), "{}", stderr(&o));
    assert!(!none.exists());
}

#[test]
fn damaged_and_untrusted_bundles_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let src = d.join("connected.db");
    ok(&src, &["intel", "import", small_kev(d, "kev.csv", &["CVE-2022-0028", "CVE-2021-44228"]).to_str().unwrap()]);
    let (k1, pub1, _) = keygen(d, "k1.key");
    let (_, pub2, _) = keygen(d, "k2.key");
    let signed = d.join("signed.pwb");
    let unsigned = d.join("unsigned.pwb");
    ok(&src, &["intel", "bundle", "export", signed.to_str().unwrap(), "--sign", k1.to_str().unwrap()]);
    ok(&src, &["intel", "bundle", "export", unsigned.to_str().unwrap()]);

    // The plant side already holds something, which must survive every refusal untouched.
    let db = d.join("plant.db");
    ok(&db, &["intel", "import", small_kev(d, "other.csv", &["CVE-2024-3400"]).to_str().unwrap()]);
    let before = dump(&db);

    let text = gunzip(&signed);
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    let bytes = std::fs::read(&signed).unwrap();
    let variant = |name: &str, content: &str| {
        let p = d.join(name);
        gzip_to(&p, content);
        p
    };
    let join = |ls: &[String]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    let mut owned: Vec<String> = lines.iter().map(|l| l.to_string()).collect();

    let truncated_gzip = d.join("truncated-gzip.pwb");
    std::fs::write(&truncated_gzip, &bytes[..bytes.len() / 2]).unwrap();
    let no_trailer = variant("no-trailer.pwb", &join(&owned[..n - 1]));
    owned[1] = owned[1].replacen("2024-02-01", "2024-02-02", 1);
    let flipped = variant("flipped.pwb", &join(&owned));
    owned[1] = lines[1].to_string();
    owned[n - 1] = lines[n - 1].replacen("\"records\":2", "\"records\":3", 1);
    let miscounted = variant("miscounted.pwb", &join(&owned));
    let sig_at = lines[n - 1].find("\"sig\":\"").unwrap() + 7;
    let mut bad_sig = lines[n - 1].to_string();
    let c = if &bad_sig[sig_at..=sig_at] == "0" { "1" } else { "0" };
    bad_sig.replace_range(sig_at..=sig_at, c);
    owned[n - 1] = bad_sig;
    let bad_signature = variant("bad-signature.pwb", &join(&owned));

    let trust1 = ["--trust", pub1.as_str()];
    let cases: Vec<(&Path, Vec<&str>, &str)> = vec![
        (&truncated_gzip, vec![], "truncated-gzip.pwb"),
        (&no_trailer, vec![], "without its trailer"),
        (&flipped, vec![], "damaged"),
        (&miscounted, vec![], "says 3 records"),
        (&bad_signature, trust1.to_vec(), "does not hold"),
        (&unsigned, vec!["--trust", pub1.as_str(), "--require-signature"], "unsigned"),
        (&signed, vec!["--trust", pub2.as_str(), "--require-signature"], "not trusted"),
    ];
    for (file, extra, expected) in cases {
        let mut args = vec!["intel", "import", file.to_str().unwrap()];
        args.extend(extra);
        let o = run(&db, &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stdout(&o));
        assert!(err.contains(expected) && err.contains("nothing was imported"), "{args:?}: {err}");
        assert!(err.contains(file.file_name().unwrap().to_str().unwrap()), "{args:?}: {err}");
        assert_eq!(dump(&db), before, "{args:?} changed the database");
    }
    for (file, extra, expected) in [
        (&truncated_gzip, vec![], "truncated-gzip.pwb"),
        (&no_trailer, vec![], "without its trailer"),
        (&flipped, vec![], "damaged"),
        (&bad_signature, trust1.to_vec(), "does not hold"),
        (&signed, vec!["--trust", pub2.as_str(), "--require-signature"], "not trusted"),
    ] {
        let mut args = vec!["intel", "bundle", "verify", file.to_str().unwrap()];
        args.extend(extra.iter().copied());
        let o = run(&d.join("none.db"), &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stdout(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        args.push("--json");
        let o = run(&d.join("none.db"), &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["valid"], false);
        assert!(v["error"].as_str().unwrap().contains(expected), "{v}");
    }
    assert!(!d.join("none.db").exists(), "verify opens no database");
    let v: serde_json::Value = serde_json::from_str(&ok(
        &d.join("none.db"),
        &[
            "intel",
            "bundle",
            "verify",
            signed.to_str().unwrap(),
            "--trust",
            pub1.as_str(),
            "--require-signature",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["bundle"]["records"], 2);
    assert_eq!(v["bundle"]["signature"]["status"], "verified");
    let text = ok(&d.join("none.db"), &["intel", "bundle", "verify", unsigned.to_str().unwrap()]);
    assert!(text.contains("valid bundle, 2 record(s)") && text.contains("signature: unsigned"), "{text}");
    let again = d.join("again.pwb");
    let j: serde_json::Value =
        serde_json::from_str(&ok(&src, &["intel", "bundle", "export", again.to_str().unwrap(), "--json"])).unwrap();
    assert_eq!(j["records"], 2);
    assert_eq!(j["sha256"].as_str().unwrap().len(), 64);
    assert!(j["key_id"].is_null());
    // Without a trusted key a bad signature cannot be told from an unknown key's: the bundle is
    // imported as "not verified" (what --require-signature is for).
    let out = ok(&db, &["intel", "import", bad_signature.to_str().unwrap()]);
    assert!(out.contains("signature: not verified"), "{out}");
}

#[test]
fn a_signed_bundle_verifies_with_the_trusted_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let src = d.join("connected.db");
    ok(&src, &["intel", "import", small_kev(d, "kev.csv", &["CVE-2022-0028"]).to_str().unwrap()]);
    let (k1, pub1, id1) = keygen(d, "k1.key");
    let (_, pub2, _) = keygen(d, "k2.key");
    let signed = d.join("signed.pwb");
    let out = ok(&src, &["intel", "bundle", "export", signed.to_str().unwrap(), "--sign", k1.to_str().unwrap()]);
    assert!(out.contains(&format!("signed with key {id1}")), "{out}");

    let out =
        ok(&d.join("a.db"), &["intel", "import", signed.to_str().unwrap(), "--trust", &pub1, "--require-signature"]);
    assert!(out.contains(&format!("signature: verified (key {id1})")), "{out}");
    assert!(out.contains("KEV 1 new"), "{out}");
    // The trusted keys from the environment, comma-separated.
    let keys = format!("{pub2},{pub1}");
    let o = run_env(
        &d.join("b.db"),
        &["intel", "import", signed.to_str().unwrap(), "--require-signature"],
        &[("PATCHWISE_TRUSTED_KEYS", &keys)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("signature: verified (key {id1})")), "{}", stdout(&o));
    // No trusted key: imported, reported as not verified.
    let out = ok(&d.join("c.db"), &["intel", "import", signed.to_str().unwrap()]);
    assert!(out.contains(&format!("signature: not verified (signed by key {id1}")), "{out}");
    // A malformed key or a requirement no key can meet is a usage mistake, refused up front.
    let o = run(&d.join("e.db"), &["intel", "import", signed.to_str().unwrap(), "--trust", "beef"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--trust"), "{}", stderr(&o));
    let o = run(&d.join("e.db"), &["intel", "import", signed.to_str().unwrap(), "--require-signature"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--require-signature needs a trusted key"), "{}", stderr(&o));
    assert!(!d.join("e.db").exists());
}

#[test]
fn keygen_writes_a_private_key_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let (file, public, id) = keygen(dir.path(), "signing.key");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.len(), 65, "{text:?}");
    assert!(text.trim().chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(public.len(), 64);
    assert_ne!(text.trim(), public);
    assert_eq!(id.len(), 16);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let o = run(&dir.path().join("x.db"), &["intel", "bundle", "keygen", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("never overwritten"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // Two keys differ.
    let (_, other, _) = keygen(dir.path(), "other.key");
    assert_ne!(other, public);
}

#[test]
fn exporting_an_empty_database_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not intelligence\n").unwrap();
    ok(&db, &["intel", "import", notes.to_str().unwrap()]);
    let file = dir.path().join("empty.pwb");
    let o = run(&db, &["intel", "bundle", "export", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no intelligence"), "{}", stderr(&o));
    assert!(!file.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!leftovers.iter().any(|n| n.to_string_lossy().starts_with(".patchwise-bundle-")), "{leftovers:?}");
}

/// The sync crate's test server (one source for both test suites) serving `files` by path with
/// ETags; the first GET of a path containing `cut_once` is cut off mid-body. Returns its base URL.
fn feed_server(files: std::collections::BTreeMap<String, Vec<u8>>, cut_once: &'static str) -> String {
    use crate::feed_server::{Server, static_reply};
    let cut = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let server = Server::start(move |req| {
        let mut reply = static_reply(&files, req);
        if reply.status == 200 && req.path().contains(cut_once) && cut.swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            reply.cut_at = Some(reply.body.len() / 2);
        }
        reply
    });
    // The listener runs on its own thread for the rest of the test process.
    format!("http://{}", server.addr)
}

#[test]
fn sync_fetches_over_http_imports_once_and_an_interrupted_run_imports_nothing() {
    let (Some(kev), Some(csaf)) = (
        fixture("kev/known_exploited_vulnerabilities.json"),
        fixture("csaf-cisa/csaf_files/OT/white/2024/icsa-24-102-03.json"),
    ) else {
        return;
    };
    let rel = "csaf_files/OT/white/2024/icsa-24-102-03.json";
    let mut files = std::collections::BTreeMap::new();
    files.insert("/feeds/kev.json".to_string(), std::fs::read(kev).unwrap());
    files.insert(format!("/csaf/{rel}"), std::fs::read(csaf).unwrap());
    files.insert("/csaf/csaf_files/OT/white/index.txt".to_string(), format!("{rel}\n").into_bytes());
    let base = feed_server(files, "icsa-24-102-03");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sync.db");
    let cache = dir.path().join("feeds");
    let kev_url = format!("kev={base}/feeds/kev.json");
    let csaf_url = format!("csaf={base}/csaf/");
    let args = [
        "intel",
        "sync",
        "--source",
        "kev,csaf",
        "--cache",
        cache.to_str().unwrap(),
        "--base-url",
        &kev_url,
        "--base-url",
        &csaf_url,
        "--json",
    ];

    // The CSAF document is cut off mid-body: the sync fails and the store holds nothing.
    let o = run(&db, &args);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("icsa-24-102-03.json") && err.contains("nothing was imported"), "{err}");
    assert_eq!(ok(&db, &["intel", "status", "--json"]).trim(), "[]");
    assert!(cache.join("kev/kev.json").is_file(), "the completed download stays in the cache");

    // The next run continues: KEV unchanged (304), the document fetched, both imported.
    let out: serde_json::Value = serde_json::from_str(&ok(&db, &args)).unwrap();
    assert_eq!(out["sources"][0]["source"], "kev");
    assert_eq!(out["sources"][0]["not_modified"], 1);
    assert_eq!(out["sources"][1]["source"], "csaf");
    assert_eq!(out["sources"][1]["files"].as_array().unwrap().len(), 1);
    let docs = out["import"]["documents"].as_object().unwrap();
    assert_eq!(docs.values().map(|v| v.as_u64().unwrap()).sum::<u64>(), 2, "{docs:?}");
    assert!(out["import"]["changes"]["kev_new"].as_u64().unwrap() > 1000);
    assert!(ok(&db, &["intel", "show", "CVE-2025-48384"]).contains("KEV"));

    // Nothing changed upstream: every request is answered 304, and since this run wrote no file
    // the cache is not even read again (the interrupted run's files were caught up above).
    assert!(!cache.join("import-pending").exists(), "a completed import clears the marker");
    let before = dump(&db).into_iter().filter(|r| !r.contains("intel_import")).count();
    let out: serde_json::Value = serde_json::from_str(&ok(&db, &args)).unwrap();
    assert_eq!(out["sources"][0]["not_modified"], 1);
    assert_eq!(out["sources"][1]["not_modified"], 2);
    assert_eq!(out["import"]["records"], 0);
    assert_eq!(out["import"]["unchanged_files"], 0, "no cached file is hashed again");
    // A marker left by an import that never finished makes the next sync import the whole cache
    // (what was imported before is skipped by digest).
    std::fs::write(cache.join("import-pending"), "x").unwrap();
    let out: serde_json::Value = serde_json::from_str(&ok(&db, &args)).unwrap();
    assert_eq!(out["import"]["unchanged_files"], 2);
    assert_eq!(out["import"]["records"], 0);
    assert_eq!(dump(&db).into_iter().filter(|r| !r.contains("intel_import")).count(), before);

    // Text output: one line per source, then the import summary.
    let text = ok(&db, &args[..args.len() - 1]);
    assert!(text.contains("kev: 1 request(s), 1 not modified, 0 byte(s) downloaded, 0 file(s)"), "{text}");
    assert!(text.contains("advisories:"), "{text}");
}
