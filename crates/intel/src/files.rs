//! The IO edge of `intel`: walks the paths a user names (files, folders, `.gz`, `.zip`,
//! `.tar`, `.tar.gz`), hashes each document, asks the destination whether it has seen that digest,
//! detects the format from the content and hands the document to the right reader.
//!
//! The readers themselves stay pure over byte streams; this module is the one place in `intel`
//! that opens files. It never extracts anything to disk. Archives whose member names try to leave
//! the archive (`../x`, `/etc/x`) and members that decompress beyond the limits (decompression
//! bombs) make the whole import fail, so the caller's transaction rolls back and nothing changes.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::{Component, Path, PathBuf};

use flate2::read::MultiGzDecoder;
use model::advisory::IntelRecord;
use sha2::{Digest, Sha256};

use crate::bundle::BundleInfo;
use crate::detect::{Detected, Format, SNIFF_BYTES, detect};
use crate::{DocumentInfo, IntelError, ReadOptions, ReadSummary};

/// Where documents go: the caller's import (a store transaction).
pub trait Destination {
    /// Whether a document with this SHA-256 was imported before; it is then skipped.
    fn seen(&mut self, digest: &str) -> Result<bool, IntelError>;
    /// One record of the document being read.
    fn put(&mut self, record: IntelRecord) -> Result<(), IntelError>;
    /// A document was read completely.
    fn done(&mut self, file: &str, digest: &str, format: Format, summary: &ReadSummary) -> Result<(), IntelError>;
    /// A document was skipped: already imported (`unchanged`) or not intelligence (`reason`).
    fn skipped(&mut self, file: &str, reason: Skip);
    /// A bundle was read completely and passed its checks (called before [`Destination::done`]).
    fn bundle(&mut self, file: &str, info: &BundleInfo) -> Result<(), IntelError> {
        let _ = (file, info);
        Ok(())
    }
}

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Its digest was imported before.
    Unchanged,
    /// It is not intelligence (a licence, README, schema, checksum list…).
    NotIntel(String),
}

/// Size limits for compressed input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest decompressed size of one archive member (members are read into memory).
    pub max_member_bytes: u64,
    /// Largest decompressed/compressed ratio of a stream before it counts as a bomb. Real feeds
    /// compress 5–25×; deflate cannot exceed about 1,032×.
    pub max_ratio: u64,
    /// Decompressed bytes always allowed, whatever the ratio (tiny files compress oddly).
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_member_bytes: 512 << 20, max_ratio: 250, ratio_floor: 64 << 20 }
    }
}

/// Reads every document under `paths` into `dest`. `retrieved_at` (RFC 3339) goes into the
/// provenance of every record.
pub fn import_paths(
    paths: &[PathBuf],
    retrieved_at: &str,
    limits: Limits,
    dest: &mut dyn Destination,
) -> Result<(), IntelError> {
    import_paths_with(paths, retrieved_at, limits, &ReadOptions::default(), dest)
}

/// [`import_paths`] under `options` (which bundle signatures to trust).
pub fn import_paths_with(
    paths: &[PathBuf],
    retrieved_at: &str,
    limits: Limits,
    options: &ReadOptions,
    dest: &mut dyn Destination,
) -> Result<(), IntelError> {
    let mut w = Walker { retrieved_at, limits, options, dest };
    for p in paths {
        w.path(p)?;
    }
    Ok(())
}

struct Walker<'a> {
    retrieved_at: &'a str,
    limits: Limits,
    options: &'a ReadOptions,
    dest: &'a mut dyn Destination,
}

fn io_err(file: &str) -> impl Fn(io::Error) -> IntelError + '_ {
    move |source| IntelError::Read { file: file.to_string(), source }
}

fn invalid(file: &str, place: &str, message: impl Into<String>) -> IntelError {
    IntelError::Invalid { file: file.to_string(), place: place.to_string(), message: message.into() }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A reader whose first bytes were read ahead and are given back first.
type Peeked<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Reads up to [`SNIFF_BYTES`] and gives back a reader that still yields them.
fn peek<R: Read>(mut r: R) -> io::Result<(Vec<u8>, Peeked<R>)> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut r).take(SNIFF_BYTES as u64).read_to_end(&mut head)?;
    Ok((head.clone(), Cursor::new(head).chain(r)))
}

/// A reader that fails once more than `limit` bytes have come out of it.
struct Capped<R> {
    inner: R,
    left: u64,
    what: String,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} decompresses beyond the limit: refused as a possible decompression bomb", self.what),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn is_tar(head: &[u8]) -> bool {
    head.len() > 262 && &head[257..262] == b"ustar"
}

impl Walker<'_> {
    fn path(&mut self, p: &Path) -> Result<(), IntelError> {
        let name = p.display().to_string();
        let meta = std::fs::symlink_metadata(p).map_err(io_err(&name))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(io_err(&name))?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()
                .map_err(io_err(&name))?;
            entries.sort();
            for e in entries {
                self.path(&e)?;
            }
            return Ok(());
        }
        if meta.file_type().is_symlink() {
            // Followed for files only: a linked folder could loop.
            if std::fs::metadata(p).map_err(io_err(&name))?.is_dir() {
                self.dest.skipped(&name, Skip::NotIntel("a symbolic link to a folder (not followed)".into()));
                return Ok(());
            }
        }
        self.file(p, &name, meta.len())
    }

    fn file(&mut self, p: &Path, name: &str, size: u64) -> Result<(), IntelError> {
        let digest = {
            let mut h = Sha256::new();
            let mut f = BufReader::with_capacity(1 << 20, File::open(p).map_err(io_err(name))?);
            io::copy(&mut f, &mut h).map_err(io_err(name))?;
            hex(&h.finalize())
        };
        let f = BufReader::with_capacity(1 << 20, File::open(p).map_err(io_err(name))?);
        let (head, reader) = peek(f).map_err(io_err(name))?;
        match detect(&head) {
            Detected::Zip => {
                drop(reader);
                self.zip(p, name)
            }
            _ if is_tar(&head) => self.tar(reader, name),
            Detected::Gzip => {
                let cap = self.limits.ratio_floor.max(size.saturating_mul(self.limits.max_ratio));
                let gz = Capped { inner: MultiGzDecoder::new(reader), left: cap, what: name.to_string() };
                let (inner_head, inner) = peek(gz).map_err(io_err(name))?;
                if is_tar(&inner_head) {
                    return self.tar(inner, name);
                }
                self.document(name, &digest, &inner_head, inner)
            }
            _ => self.document(name, &digest, &head, reader),
        }
    }

    /// One document (not an archive): skip it if seen or not intelligence, else read it.
    fn document(&mut self, name: &str, digest: &str, head: &[u8], reader: impl Read) -> Result<(), IntelError> {
        let format = match detect(head) {
            Detected::Intel(f) => f,
            Detected::Gzip | Detected::Zip => {
                self.dest.skipped(name, Skip::NotIntel("an archive inside a compressed file".into()));
                return Ok(());
            }
            Detected::Other(reason) => {
                self.dest.skipped(name, Skip::NotIntel(reason));
                return Ok(());
            }
        };
        if self.dest.seen(digest)? {
            self.dest.skipped(name, Skip::Unchanged);
            return Ok(());
        }
        let doc = DocumentInfo {
            file: name.to_string(),
            digest: Some(digest.to_string()),
            retrieved_at: Some(self.retrieved_at.to_string()),
        };
        let dest = &mut *self.dest;
        let summary = if format == Format::Bundle {
            // Read here rather than through `read_format_with` so the destination learns the
            // bundle's date and signature status.
            let info = crate::bundle::read(reader, &doc, &self.options.bundle_trust, &mut |r| dest.put(r))?;
            self.dest.bundle(name, &info)?;
            ReadSummary { records: info.records, warnings: Vec::new() }
        } else {
            crate::read_format_with(format, reader, &doc, self.options, &mut |r| dest.put(r))?
        };
        self.dest.done(name, digest, format, &summary)
    }

    /// An archive member's bytes, read into memory under the member limit.
    fn member(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), IntelError> {
        let digest = hex(&Sha256::digest(&bytes));
        let (head, _) = peek(bytes.as_slice()).map_err(io_err(name))?;
        if let Detected::Gzip = detect(&head) {
            let cap = self.limits.max_member_bytes;
            let mut inner = Vec::new();
            Capped { inner: MultiGzDecoder::new(bytes.as_slice()), left: cap, what: name.to_string() }
                .read_to_end(&mut inner)
                .map_err(io_err(name))?;
            let (inner_head, _) = peek(inner.as_slice()).map_err(io_err(name))?;
            return self.document(name, &digest, &inner_head, inner.as_slice());
        }
        self.document(name, &digest, &head, bytes.as_slice())
    }

    fn tar(&mut self, reader: impl Read, name: &str) -> Result<(), IntelError> {
        let mut archive = tar::Archive::new(reader);
        let entries = archive.entries().map_err(io_err(name))?;
        for entry in entries {
            let mut entry = entry.map_err(io_err(name))?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let member_path = entry.path().map_err(io_err(name))?.into_owned();
            let member = safe_member(name, &member_path.to_string_lossy())?;
            let size = entry.header().size().map_err(io_err(name))?;
            if size > self.limits.max_member_bytes {
                return Err(invalid(name, &member, format!("member of {size} bytes is over the limit")));
            }
            let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            (&mut entry).take(self.limits.max_member_bytes + 1).read_to_end(&mut bytes).map_err(io_err(&member))?;
            self.member(&member, bytes)?;
        }
        Ok(())
    }

    fn zip(&mut self, p: &Path, name: &str) -> Result<(), IntelError> {
        let f = File::open(p).map_err(io_err(name))?;
        let mut archive = zip::ZipArchive::new(BufReader::new(f))
            .map_err(|e| invalid(name, "zip directory", format!("not a readable zip archive: {e}")))?;
        for i in 0..archive.len() {
            let mut z = archive
                .by_index(i)
                .map_err(|e| invalid(name, &format!("zip member {i}"), format!("unreadable: {e}")))?;
            if z.is_dir() {
                continue;
            }
            let raw_name = z
                .name()
                .map_err(|e| invalid(name, &format!("zip member {i}"), format!("unreadable name: {e}")))?
                .into_owned();
            let member = safe_member(name, &raw_name)?;
            let declared = z.size();
            let compressed = z.compressed_size().max(1);
            let cap = self.limits.max_member_bytes.min(self.limits.ratio_floor.max(compressed * self.limits.max_ratio));
            if declared > cap {
                return Err(invalid(
                    name,
                    &member,
                    format!(
                        "declares {declared} bytes from {compressed} compressed: refused as a possible decompression bomb"
                    ),
                ));
            }
            let mut bytes = Vec::new();
            Capped { inner: &mut z, left: cap, what: member.clone() }
                .read_to_end(&mut bytes)
                .map_err(io_err(&member))?;
            drop(z);
            self.member(&member, bytes)?;
        }
        Ok(())
    }
}

/// `archive!member` for a member whose path stays inside the archive; an error otherwise.
fn safe_member(archive: &str, member: &str) -> Result<String, IntelError> {
    let path = Path::new(member);
    let escapes = member.starts_with('/')
        || member.starts_with('\\')
        || member.contains(":\\")
        || path.components().any(|c| matches!(c, Component::ParentDir | Component::RootDir | Component::Prefix(_)));
    if escapes {
        return Err(invalid(
            archive,
            member,
            "member path leaves the archive (path traversal): the archive is refused",
        ));
    }
    Ok(format!("{archive}!{member}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_paths_that_escape_are_refused() {
        assert!(safe_member("a.zip", "csaf/2024/x.json").is_ok());
        for bad in ["../x.json", "a/../../x", "/etc/passwd", "\\\\server\\x", "C:\\x.json"] {
            assert!(safe_member("a.zip", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn capped_reader_stops_at_the_limit() {
        let data = vec![0u8; 1000];
        let mut out = Vec::new();
        let r = Capped { inner: data.as_slice(), left: 999, what: "x".into() }.read_to_end(&mut out);
        assert!(r.is_err());
        let mut out = Vec::new();
        assert!(Capped { inner: data.as_slice(), left: 1000, what: "x".into() }.read_to_end(&mut out).is_ok());
    }
}
