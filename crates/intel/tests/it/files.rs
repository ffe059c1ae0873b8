//! Walking files and archives: decompression bombs and what is skipped.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use intel::IntelError;
use intel::detect::Format;
use intel::files::{Destination, Limits, Skip, import_paths};
use model::advisory::IntelRecord;

#[derive(Default)]
struct Collect {
    records: usize,
    done: Vec<String>,
    skipped: Vec<(String, Skip)>,
}

impl Destination for Collect {
    fn seen(&mut self, _digest: &str) -> Result<bool, IntelError> {
        Ok(false)
    }
    fn put(&mut self, _record: IntelRecord) -> Result<(), IntelError> {
        self.records += 1;
        Ok(())
    }
    fn done(&mut self, file: &str, _: &str, _: Format, _: &intel::ReadSummary) -> Result<(), IntelError> {
        self.done.push(file.to_string());
        Ok(())
    }
    fn skipped(&mut self, file: &str, reason: Skip) {
        self.skipped.push((file.to_string(), reason));
    }
}

/// Gzip of a KEV-looking JSON document padded with `pad` bytes of spaces: tiny compressed, huge
/// decompressed.
fn bomb(pad: usize) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(br#"{"catalogVersion":"1","vulnerabilities":["#).unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut left = pad;
    while left > 0 {
        let n = left.min(chunk.len());
        gz.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    gz.write_all(b"]}").unwrap();
    gz.finish().unwrap()
}

#[test]
fn a_gzip_bomb_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let file = dir.join("kev.json.gz");
    std::fs::write(&file, bomb(96 << 20)).unwrap();
    let limits = Limits { max_member_bytes: 16 << 20, max_ratio: 50, ratio_floor: 8 << 20 };
    let mut c = Collect::default();
    let err = import_paths(std::slice::from_ref(&file), "2026-11-22T00:00:00Z", limits, &mut c).unwrap_err();
    assert!(err.to_string().contains("decompression bomb"), "{err}");
    assert!(c.done.is_empty());
}

#[test]
fn the_same_stream_under_the_limits_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let file = dir.join("kev.json.gz");
    std::fs::write(&file, bomb(1 << 20)).unwrap();
    let mut c = Collect::default();
    import_paths(std::slice::from_ref(&file), "2026-11-22T00:00:00Z", Limits::default(), &mut c).unwrap();
    assert_eq!(c.done.len(), 1);
    assert_eq!(c.records, 0);
}

#[test]
fn non_intelligence_files_are_listed_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::write(dir.join("LICENSE"), "MIT License\n\nPermission is hereby granted").unwrap();
    std::fs::write(dir.join("schema.json"), r#"{"$schema":"x","properties":{}}"#).unwrap();
    std::fs::write(dir.join("x.sha256"), format!("{}  kev.json\n", "a".repeat(64))).unwrap();
    let mut c = Collect::default();
    import_paths(std::slice::from_ref(&dir), "2026-11-22T00:00:00Z", Limits::default(), &mut c).unwrap();
    assert_eq!(c.skipped.len(), 3, "{:?}", c.skipped);
    assert!(c.skipped.iter().all(|(_, s)| matches!(s, Skip::NotIntel(_))));
}
