//! Intelligence bundles: one dated, digest-checked file that carries stored intelligence across an
//! air gap, signed with Ed25519 when the sender has a key, verified on import.
//!
//! # Format `patchwise-intel-bundle/1`
//!
//! A gzip-compressed JSON Lines file (UTF-8, one compact JSON object per line, each line ending in
//! `\n`):
//!
//! 1. the **header**:
//!    `{"format":"patchwise-intel-bundle/1","created":RFC3339,"generator":"patchwise X.Y.Z","records":N,"sources":{"kev":N,…}}`
//!    — `records` is the number of record lines, `sources` the same count per provenance source;
//! 2. `N` **records**, each the serde JSON of one [`IntelRecord`] (`{"record":"advisory",…}`,
//!    `"kev"`, `"epss"`, `"ssvc"`), provenance included, so every fact still names the document and
//!    file it was first read from;
//! 3. the **trailer**:
//!    `{"trailer":true,"records":N,"sha256":HEX,"signature":null}` or with
//!    `"signature":{"alg":"ed25519","key_id":KEYID,"sig":HEX}`. `sha256` is the lower-case hex
//!    SHA-256 of every byte before the trailer line (header and record lines, newlines included,
//!    uncompressed). `key_id` is the first 16 hex digits of the SHA-256 of the 32-byte public key;
//!    `sig` is the 64-byte Ed25519 signature (RFC 8032, hex) of the ASCII text
//!    `patchwise-intel-bundle/1 sha256:HEX` — the same digest, so the signature covers the header
//!    (date, counts) and every record.
//!
//! The reader streams: records reach the sink as they are read, and only the trailer tells whether
//! the bundle is whole. A missing or damaged trailer, a count or digest that does not match, a
//! truncated or over-long line, or a signature that fails is an [`IntelError::Invalid`]; the
//! caller's import transaction then rolls back, so a damaged bundle changes nothing.
//!
//! Which signatures count is the caller's [`BundleTrust`]: a signature by a trusted key is checked
//! and must hold; an unsigned bundle, or one signed by a key that is not trusted, is accepted (and
//! reported so) unless `require` is set. An unknown algorithm or a malformed signature is always
//! refused.
//!
//! Like the feed readers, this module opens no files, reads no clock and draws no random numbers:
//! the caller passes the stream, the creation time and the keys.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, BufReader, Cursor, Read, Write};

pub use ed25519_dalek::SigningKey;
use ed25519_dalek::{Signature, Signer, VerifyingKey};
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use model::advisory::{IntelRecord, Source};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{DocumentInfo, IntelError, Sink};

/// The `format` of the header this build writes and reads.
pub const FORMAT: &str = "patchwise-intel-bundle/1";

/// What the header's `generator` says. The workspace shares one version, so this is the version
/// of the `patchwise` binary too.
pub const GENERATOR: &str = concat!("patchwise ", env!("CARGO_PKG_VERSION"));

/// The only signature algorithm.
pub const SIGNATURE_ALG: &str = "ed25519";

/// The longest line the reader accepts (one record). The largest real advisories (NVD entries
/// with thousands of CPE matches) are a few megabytes; this keeps a hostile file from making the
/// reader hold an unbounded line.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// The first line of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    /// When the bundle was written, RFC 3339.
    pub created: String,
    pub generator: String,
    /// Record lines that follow.
    pub records: usize,
    /// Record lines per provenance source.
    pub sources: BTreeMap<Source, usize>,
}

/// The last line of a bundle. Its `trailer` key comes first, which is how the reader tells it from
/// a record (whose `record` key comes first). The digest does not cover it, so it is read strictly:
/// every key present (`signature` too, as `null` when unsigned), no other key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trailer {
    trailer: bool,
    records: usize,
    sha256: String,
    #[serde(deserialize_with = "Option::deserialize")]
    signature: Option<SignatureBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureBlock {
    alg: String,
    key_id: String,
    sig: String,
}

/// How many records, in total and per provenance source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub records: usize,
    pub sources: BTreeMap<Source, usize>,
}

impl Counts {
    pub fn add(&mut self, record: &IntelRecord) {
        self.records += 1;
        *self.sources.entry(source_of(record)).or_default() += 1;
    }
}

fn source_of(record: &IntelRecord) -> Source {
    match record {
        IntelRecord::Advisory(a) => a.provenance.source,
        IntelRecord::Kev(k) => k.provenance.source,
        IntelRecord::Epss(e) => e.provenance.source,
        IntelRecord::Ssvc(s) => s.provenance.source,
    }
}

/// Errors of writing a bundle and of handling keys. Reading errors are [`IntelError`]s, like every
/// reader's.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("cannot write the bundle: {0}")]
    Write(#[from] io::Error),
    #[error("record {index} cannot be written: {message}")]
    Record { index: usize, message: String },
    /// The records given differ from the counts the header was written with (the store changed
    /// between the counting pass and the writing pass).
    #[error(
        "the records changed while the bundle was written ({declared} counted for the header, {written} written); the bundle is unusable, export again"
    )]
    Changed { declared: usize, written: usize },
    /// A key that is not 64 hex digits, or not a valid Ed25519 public key.
    #[error("{0}")]
    Key(String),
}

/// Which signatures the reader accepts. The default trusts no key and requires nothing: digests
/// and counts are still checked, signatures are reported, not verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleTrust {
    /// Ed25519 public keys whose signatures are checked and accepted.
    pub keys: Vec<[u8; 32]>,
    /// Refuse a bundle unless a trusted key's signature holds.
    pub require: bool,
}

/// What the reader concluded about a bundle's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum SignatureStatus {
    /// No signature.
    Unsigned,
    /// Signed by this trusted key, and the signature holds.
    Verified { key_id: String },
    /// Signed by a key that is not among the trusted ones; not checked.
    Untrusted { key_id: String },
}

impl fmt::Display for SignatureStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureStatus::Unsigned => f.write_str("unsigned"),
            SignatureStatus::Verified { key_id } => write!(f, "verified (key {key_id})"),
            SignatureStatus::Untrusted { key_id } => {
                write!(f, "not verified (signed by key {key_id}, which is not trusted)")
            }
        }
    }
}

/// A bundle that was read completely and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleInfo {
    pub created: String,
    pub generator: String,
    pub records: usize,
    pub sources: BTreeMap<Source, usize>,
    /// The digest the trailer states and the content matches.
    pub sha256: String,
    pub signature: SignatureStatus,
}

/// What [`BundleWriter::finish`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WriteSummary {
    pub created: String,
    pub records: usize,
    pub sources: BTreeMap<Source, usize>,
    pub sha256: String,
    /// The signing key's id, when signed.
    pub key_id: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Keys

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Exactly `N` bytes from `2 × N` hex digits (either case); `None` otherwise.
fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != N * 2 {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let mut out = [0u8; N];
    for (i, pair) in text.chunks_exact(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// A key's id: the first 16 hex digits of the SHA-256 of the 32-byte public key.
pub fn key_id(public: &[u8; 32]) -> String {
    let mut id = hex(&Sha256::digest(public));
    id.truncate(16);
    id
}

/// The public key of a signing key.
pub fn public_key(key: &SigningKey) -> [u8; 32] {
    key.verifying_key().to_bytes()
}

/// A public key given as 64 hex digits (surrounding white space ignored), checked to be a valid
/// Ed25519 point.
pub fn parse_public_key(text: &str) -> Result<[u8; 32], BundleError> {
    let text = text.trim();
    let bytes = unhex::<32>(text)
        .ok_or_else(|| BundleError::Key(format!("`{text}` is not an Ed25519 public key (expected 64 hex digits)")))?;
    let key = VerifyingKey::from_bytes(&bytes)
        .map_err(|_| BundleError::Key(format!("`{text}` is not a valid Ed25519 public key")))?;
    if key.is_weak() {
        // A small-order point: signatures "by" it prove nothing.
        return Err(BundleError::Key(format!("`{text}` is a weak Ed25519 public key; refused")));
    }
    Ok(bytes)
}

/// A signing key from the text of a key file: its 32-byte seed as 64 hex digits (surrounding white
/// space ignored). The error never repeats the text.
pub fn parse_signing_key(text: &str) -> Result<SigningKey, BundleError> {
    let seed = unhex::<32>(text.trim()).ok_or_else(|| {
        BundleError::Key("not an Ed25519 secret key (expected a 32-byte seed as 64 hex digits)".into())
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

/// What is signed: the format and the content digest, as ASCII.
fn signed_message(sha256_hex: &str) -> String {
    format!("{FORMAT} sha256:{sha256_hex}")
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Writes a bundle record by record, gzip-compressed, into `W`. The header goes out first, so the
/// counts must be known before the records: count in one pass, write in a second (the store's
/// export is deterministic), and [`BundleWriter::finish`] refuses when the two passes differ.
pub struct BundleWriter<W: Write> {
    out: GzEncoder<W>,
    hash: Sha256,
    created: String,
    declared: Counts,
    written: Counts,
    line: Vec<u8>,
}

impl<W: Write> BundleWriter<W> {
    /// Starts a bundle created at `created` (RFC 3339) that will hold exactly `counts` records, and
    /// writes its header.
    pub fn new(w: W, created: &str, counts: &Counts) -> Result<Self, BundleError> {
        let mut writer = BundleWriter {
            out: GzEncoder::new(w, Compression::default()),
            hash: Sha256::new(),
            created: created.to_string(),
            declared: counts.clone(),
            written: Counts::default(),
            line: Vec::with_capacity(16 * 1024),
        };
        let header = Header {
            format: FORMAT.to_string(),
            created: created.to_string(),
            generator: GENERATOR.to_string(),
            records: counts.records,
            sources: counts.sources.clone(),
        };
        writer.line.clear();
        serde_json::to_writer(&mut writer.line, &header)
            .map_err(|e| BundleError::Record { index: 0, message: format!("the header cannot be encoded: {e}") })?;
        writer.emit(true)?;
        Ok(writer)
    }

    /// Writes `self.line` plus a newline, hashing it when `hashed`.
    fn emit(&mut self, hashed: bool) -> Result<(), BundleError> {
        self.line.push(b'\n');
        if hashed {
            self.hash.update(&self.line);
        }
        self.out.write_all(&self.line)?;
        Ok(())
    }

    /// Writes one record.
    pub fn push(&mut self, record: &IntelRecord) -> Result<(), BundleError> {
        let index = self.written.records;
        if let IntelRecord::Epss(e) = record
            && !(e.score.is_finite() && e.percentile.is_finite())
        {
            // JSON has no NaN: it would be written as null and never read back.
            return Err(BundleError::Record { index, message: format!("EPSS score of {} is not a number", e.cve) });
        }
        self.written.add(record);
        if self.written.records > self.declared.records {
            return Err(BundleError::Changed { declared: self.declared.records, written: self.written.records });
        }
        self.line.clear();
        serde_json::to_writer(&mut self.line, record)
            .map_err(|e| BundleError::Record { index, message: e.to_string() })?;
        self.emit(true)
    }

    /// Writes the trailer (signed with `signing_key` when given), finishes the compression and
    /// gives the writer back.
    pub fn finish(mut self, signing_key: Option<&SigningKey>) -> Result<(W, WriteSummary), BundleError> {
        if self.written != self.declared {
            return Err(BundleError::Changed { declared: self.declared.records, written: self.written.records });
        }
        let sha256 = hex(&std::mem::take(&mut self.hash).finalize());
        let signature = signing_key.map(|key| SignatureBlock {
            alg: SIGNATURE_ALG.to_string(),
            key_id: key_id(&public_key(key)),
            sig: hex(&key.sign(signed_message(&sha256).as_bytes()).to_bytes()),
        });
        let key_id = signature.as_ref().map(|s| s.key_id.clone());
        let trailer = Trailer { trailer: true, records: self.written.records, sha256: sha256.clone(), signature };
        self.line.clear();
        serde_json::to_writer(&mut self.line, &trailer)
            .map_err(|e| BundleError::Record { index: self.written.records, message: e.to_string() })?;
        self.emit(false)?;
        let w = self.out.finish()?;
        let summary = WriteSummary {
            created: self.created,
            records: self.written.records,
            sources: self.written.sources,
            sha256,
            key_id,
        };
        Ok((w, summary))
    }
}

/// Writes `records` as a bundle into `w`. The iterator is walked twice (a clone to count, then to
/// write), so pass a cheap one (`slice.iter().cloned()`); for records that cannot be held or
/// replayed cheaply, use [`BundleWriter`] with two passes over the source.
pub fn write<W: Write, I: Iterator<Item = IntelRecord> + Clone>(
    w: W,
    records: I,
    created: &str,
    signing_key: Option<&SigningKey>,
) -> Result<(W, WriteSummary), BundleError> {
    let mut counts = Counts::default();
    for r in records.clone() {
        counts.add(&r);
    }
    let mut writer = BundleWriter::new(w, created, &counts)?;
    for r in records {
        writer.push(&r)?;
    }
    writer.finish(signing_key)
}

// ---------------------------------------------------------------------------------------------
// Reading

fn invalid(doc: &DocumentInfo, place: impl Into<String>, message: impl Into<String>) -> IntelError {
    IntelError::Invalid { file: doc.file.clone(), place: place.into(), message: message.into() }
}

fn read_error(doc: &DocumentInfo) -> impl Fn(io::Error) -> IntelError + '_ {
    |source| IntelError::Read { file: doc.file.clone(), source }
}

/// Reads a bundle — gzip-compressed as written, or already decompressed (as [`crate::files`]
/// hands it over) — into `sink`, and checks it against its trailer and `trust`. Records reach the
/// sink before the check: on an error the caller must discard them (roll its transaction back).
pub fn read<R: Read>(r: R, doc: &DocumentInfo, trust: &BundleTrust, sink: &mut Sink) -> Result<BundleInfo, IntelError> {
    let mut r = r;
    let mut magic = Vec::with_capacity(2);
    (&mut r).take(2).read_to_end(&mut magic).map_err(read_error(doc))?;
    let gzip = magic == [0x1f, 0x8b];
    let r = Cursor::new(magic).chain(r);
    if gzip {
        read_lines(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(r)), doc, trust, sink)
    } else {
        read_lines(BufReader::with_capacity(1 << 16, r), doc, trust, sink)
    }
}

/// The next line into `line`, newline included; `false` at the end of the input.
fn next_line<B: BufRead>(b: &mut B, line: &mut Vec<u8>, doc: &DocumentInfo, number: usize) -> Result<bool, IntelError> {
    line.clear();
    let n = b.by_ref().take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', line).map_err(read_error(doc))?;
    if n == 0 {
        return Ok(false);
    }
    if line.last() != Some(&b'\n') {
        let message = if line.len() > MAX_LINE_BYTES {
            format!("longer than {MAX_LINE_BYTES} bytes; refused")
        } else {
            "ends without a newline: the bundle is truncated".to_string()
        };
        return Err(invalid(doc, format!("line {number}"), message));
    }
    Ok(true)
}

fn read_lines<B: BufRead>(
    mut b: B,
    doc: &DocumentInfo,
    trust: &BundleTrust,
    sink: &mut Sink,
) -> Result<BundleInfo, IntelError> {
    let mut line = Vec::with_capacity(16 * 1024);
    let mut hash = Sha256::new();
    if !next_line(&mut b, &mut line, doc, 1)? {
        return Err(invalid(doc, "line 1", "empty; expected the bundle header"));
    }
    hash.update(&line);
    let header = header(&line[..line.len() - 1], doc)?;

    let mut counts = Counts::default();
    let trailer = loop {
        let number = counts.records + 2;
        let place = || format!("line {number}");
        if !next_line(&mut b, &mut line, doc, number)? {
            return Err(invalid(doc, place(), "the bundle ends without its trailer: it is truncated"));
        }
        let text = &line[..line.len() - 1];
        if text.starts_with(br#"{"record""#) {
            hash.update(&line);
            let record: IntelRecord = serde_json::from_slice(text)
                .map_err(|e| invalid(doc, place(), format!("not a readable intelligence record: {e}")))?;
            counts.add(&record);
            if counts.records > header.records {
                return Err(invalid(
                    doc,
                    place(),
                    format!("more records than the {} the header declares", header.records),
                ));
            }
            sink(record)?;
            continue;
        }
        let trailer: Trailer = serde_json::from_slice(text)
            .map_err(|e| invalid(doc, place(), format!("neither an intelligence record nor the trailer: {e}")))?;
        if !trailer.trailer {
            return Err(invalid(doc, place(), "a trailer must say \"trailer\":true"));
        }
        break trailer;
    };
    let mut rest = [0u8; 1];
    if b.read(&mut rest).map_err(read_error(doc))? > 0 {
        return Err(invalid(doc, "after the trailer", "data after the trailer; refused"));
    }

    if trailer.records != counts.records {
        return Err(invalid(
            doc,
            "trailer",
            format!("says {} records, the bundle holds {}", trailer.records, counts.records),
        ));
    }
    if header.records != counts.records || header.sources != counts.sources {
        return Err(invalid(
            doc,
            "line 1",
            format!(
                "the header's counts ({} records) do not match the {} records that follow",
                header.records, counts.records
            ),
        ));
    }
    let sha256 = hex(&hash.finalize());
    if trailer.sha256 != sha256 {
        return Err(invalid(
            doc,
            "trailer",
            format!("content SHA-256 is {sha256}, the trailer says {}: the bundle is damaged", trailer.sha256),
        ));
    }
    let signature = check_signature(trailer.signature.as_ref(), &sha256, trust, doc)?;
    Ok(BundleInfo {
        created: header.created,
        generator: header.generator,
        records: counts.records,
        sources: counts.sources,
        sha256,
        signature,
    })
}

/// The header line, its format checked first so a later version gets a message saying so.
fn header(text: &[u8], doc: &DocumentInfo) -> Result<Header, IntelError> {
    let value: serde_json::Value =
        serde_json::from_slice(text).map_err(|e| invalid(doc, "line 1", format!("not a bundle header: {e}")))?;
    match value.get("format").and_then(serde_json::Value::as_str) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(invalid(
                doc,
                "line 1",
                format!("bundle format `{other}` is not supported; this build reads {FORMAT}"),
            ));
        }
        None => return Err(invalid(doc, "line 1", format!("not a bundle header: expected \"format\":\"{FORMAT}\""))),
    }
    serde_json::from_value(value).map_err(|e| invalid(doc, "line 1", format!("not a bundle header: {e}")))
}

fn check_signature(
    block: Option<&SignatureBlock>,
    sha256: &str,
    trust: &BundleTrust,
    doc: &DocumentInfo,
) -> Result<SignatureStatus, IntelError> {
    let place = "trailer signature";
    let Some(block) = block else {
        if trust.require {
            return Err(invalid(doc, place, "the bundle is unsigned and a signature is required; refused"));
        }
        return Ok(SignatureStatus::Unsigned);
    };
    if block.alg != SIGNATURE_ALG {
        return Err(invalid(doc, place, format!("algorithm `{}` is not supported (only {SIGNATURE_ALG})", block.alg)));
    }
    // Lower case only, as written: one bundle has one spelling.
    let sig = Some(&block.sig).filter(|s| !s.bytes().any(|c| c.is_ascii_uppercase())).and_then(|s| unhex::<64>(s));
    let Some(sig) = sig else {
        return Err(invalid(doc, place, "`sig` is not 128 lower-case hex digits"));
    };
    let Some(key) = trust.keys.iter().find(|k| key_id(k) == block.key_id) else {
        if trust.require {
            return Err(invalid(
                doc,
                place,
                format!(
                    "signed by key {}, which is not trusted, and a trusted signature is required; refused",
                    block.key_id
                ),
            ));
        }
        return Ok(SignatureStatus::Untrusted { key_id: block.key_id.clone() });
    };
    let verified = VerifyingKey::from_bytes(key)
        .map(|k| k.verify_strict(signed_message(sha256).as_bytes(), &Signature::from_bytes(&sig)).is_ok())
        .unwrap_or(false);
    if !verified {
        return Err(invalid(
            doc,
            place,
            format!(
                "the signature of key {} does not hold: the bundle was changed after signing; refused",
                block.key_id
            ),
        ));
    }
    Ok(SignatureStatus::Verified { key_id: block.key_id.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_bad_digits() {
        let bytes: [u8; 4] = [0x00, 0x7f, 0xa5, 0xff];
        assert_eq!(hex(&bytes), "007fa5ff");
        assert_eq!(unhex::<4>("007FA5ff"), Some(bytes));
        assert_eq!(unhex::<4>("007fa5f"), None);
        assert_eq!(unhex::<4>("007fa5fg"), None);
        assert_eq!(unhex::<2>("+1ff"), None);
        assert_eq!(unhex::<1>("é"), None);
    }

    #[test]
    fn key_ids_and_keys() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = public_key(&key);
        assert_eq!(key_id(&public).len(), 16);
        assert_eq!(parse_public_key(&format!("  {}\n", hex(&public))).unwrap(), public);
        assert!(parse_public_key("abcd").is_err());
        assert!(parse_public_key(&"0".repeat(64)).unwrap_err().to_string().contains("weak"));
        assert_eq!(parse_signing_key(&format!("{}\n", hex(&[7u8; 32]))).unwrap().to_bytes(), [7u8; 32]);
        let err = parse_signing_key("zz").unwrap_err().to_string();
        assert!(!err.contains("zz"), "{err}");
    }
}
