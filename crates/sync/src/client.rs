//! The HTTP edge: one blocking GET into a file, with retries on 429/503 and on connection errors, same-host redirects only,
//! conditional headers, a size cap and `.part`-then-rename writes.

use std::fs::File;
use std::io::{BufWriter, Read, Write as _};
use std::path::Path;
use std::time::Duration;

use url::Url;

use crate::state::{Validators, part_path};
use crate::{SourceReport, SyncConfig, SyncError, io_err};

const MAX_REDIRECTS: u32 = 5;

pub struct Client {
    agent: ureq::Agent,
    retries: u32,
    backoff: Duration,
    max_backoff: Duration,
    max_bytes: u64,
}

/// How a GET ended.
#[derive(Debug)]
pub enum Fetched {
    /// 304: the file in the cache is current.
    NotModified,
    /// 200: the body is in the destination file.
    Saved { bytes: u64, validators: Validators },
    /// 404 (the caller decides whether that is an error).
    NotFound,
}

fn header(resp: &ureq::Response, name: &str) -> Option<String> {
    resp.header(name).map(str::to_string)
}

impl Client {
    pub fn new(config: &SyncConfig) -> Self {
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .timeout_connect(config.connect_timeout)
            .timeout_read(config.read_timeout)
            .timeout(config.request_timeout)
            .user_agent(&config.user_agent)
            .build();
        Client {
            agent,
            retries: config.retries,
            backoff: config.backoff,
            max_backoff: config.max_backoff,
            max_bytes: config.max_bytes,
        }
    }

    /// GETs `url` into `dest` (through `dest.part`). `conditional` validators are sent as
    /// If-None-Match / If-Modified-Since.
    pub fn get_to_file(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        conditional: Option<&Validators>,
        dest: &Path,
        report: &mut SourceReport,
    ) -> Result<Fetched, SyncError> {
        let mut current =
            Url::parse(url).map_err(|e| SyncError::Url { url: url.to_string(), message: e.to_string() })?;
        if !matches!(current.scheme(), "http" | "https") {
            return Err(SyncError::Url { url: url.to_string(), message: "only http and https are fetched".into() });
        }
        let mut retried = 0;
        let mut redirects = 0;
        loop {
            let mut req = self.agent.request_url("GET", &current);
            for (k, v) in headers {
                req = req.set(k, v);
            }
            if let Some(v) = conditional {
                if let Some(e) = &v.etag {
                    req = req.set("If-None-Match", e);
                }
                if let Some(m) = &v.last_modified {
                    req = req.set("If-Modified-Since", m);
                }
            }
            report.requests += 1;
            let resp = match req.call() {
                Ok(resp) => resp,
                Err(ureq::Error::Status(status @ (429 | 503), resp)) if retried < self.retries => {
                    let pause = resp
                        .header("Retry-After")
                        .and_then(|s| s.trim().parse::<u64>().ok())
                        .map(Duration::from_secs)
                        .unwrap_or_else(|| self.backoff.saturating_mul(1 << retried.min(16)))
                        .min(self.max_backoff);
                    report.warnings.push(format!("{current}: HTTP {status}, retrying in {} ms", pause.as_millis()));
                    retried += 1;
                    std::thread::sleep(pause);
                    continue;
                }
                Err(ureq::Error::Status(404, _)) => return Ok(Fetched::NotFound),
                Err(ureq::Error::Status(status, _)) => {
                    return Err(SyncError::Status { url: current.to_string(), status, retried });
                }
                Err(ureq::Error::Transport(t))
                    if retried < self.retries
                        && matches!(
                            t.kind(),
                            ureq::ErrorKind::ConnectionFailed | ureq::ErrorKind::Io | ureq::ErrorKind::Dns
                        ) =>
                {
                    // Refused, reset, timed out or a name that did not resolve: a flaky link or a
                    // proxy restarting is common on plant networks; try again with the same
                    // bounded backoff as for 429/503.
                    let pause = self.backoff.saturating_mul(1 << retried.min(16)).min(self.max_backoff);
                    report.warnings.push(format!("{current}: {}, retrying in {} ms", t.kind(), pause.as_millis()));
                    retried += 1;
                    std::thread::sleep(pause);
                    continue;
                }
                Err(ureq::Error::Transport(t)) => {
                    // ureq's Display repeats the URL, which the error names already.
                    let mut message = t.kind().to_string();
                    if let Some(m) = t.message() {
                        message.push_str(&format!(": {m}"));
                    }
                    if let Some(cause) = std::error::Error::source(&t) {
                        message.push_str(&format!(": {cause}"));
                    }
                    return Err(SyncError::Transport { url: current.to_string(), message });
                }
            };
            match resp.status() {
                200 => {
                    return self
                        .save(&current, resp, dest)
                        .map(|(bytes, validators)| Fetched::Saved { bytes, validators });
                }
                304 => return Ok(Fetched::NotModified),
                301 | 302 | 303 | 307 | 308 => {
                    let location = resp.header("Location").unwrap_or_default().to_string();
                    let next = same_host_redirect(&current, &location)?;
                    redirects += 1;
                    if redirects > MAX_REDIRECTS {
                        return Err(SyncError::Redirect {
                            url: current.to_string(),
                            location,
                            reason: format!("more than {MAX_REDIRECTS} redirects"),
                        });
                    }
                    current = next;
                }
                status => return Err(SyncError::Status { url: current.to_string(), status, retried }),
            }
        }
    }

    /// Streams the body into `dest.part`, checks its length, renames it to `dest`.
    fn save(&self, url: &Url, resp: ureq::Response, dest: &Path) -> Result<(u64, Validators), SyncError> {
        let validators = Validators { etag: header(&resp, "ETag"), last_modified: header(&resp, "Last-Modified") };
        let expected = resp.header("Content-Length").and_then(|s| s.trim().parse::<u64>().ok());
        if expected.is_some_and(|n| n > self.max_bytes) {
            return Err(SyncError::TooLarge { url: url.to_string(), limit: self.max_bytes });
        }
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        let part = part_path(dest);
        let written = self.write_part(url, resp, &part, expected);
        match written {
            Ok(bytes) => {
                std::fs::rename(&part, dest).map_err(io_err(dest))?;
                Ok((bytes, validators))
            }
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                Err(e)
            }
        }
    }

    fn write_part(
        &self,
        url: &Url,
        resp: ureq::Response,
        part: &Path,
        expected: Option<u64>,
    ) -> Result<u64, SyncError> {
        let mut out = BufWriter::with_capacity(1 << 16, File::create(part).map_err(io_err(part))?);
        let mut body = resp.into_reader().take(self.max_bytes.saturating_add(1));
        let mut buf = vec![0u8; 1 << 16];
        let mut received: u64 = 0;
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(match expected {
                        Some(expected) => SyncError::Truncated { url: url.to_string(), received, expected },
                        None => {
                            SyncError::Transport { url: url.to_string(), message: format!("reading the body: {e}") }
                        }
                    });
                }
            };
            received += n as u64;
            if received > self.max_bytes {
                return Err(SyncError::TooLarge { url: url.to_string(), limit: self.max_bytes });
            }
            out.write_all(&buf[..n]).map_err(io_err(part))?;
        }
        if let Some(expected) = expected
            && received != expected
        {
            return Err(SyncError::Truncated { url: url.to_string(), received, expected });
        }
        let f = out.into_inner().map_err(|e| io_err(part)(e.into_error()))?;
        f.sync_all().map_err(io_err(part))?;
        Ok(received)
    }
}

/// The redirect target when it stays on the same host and port, with the same scheme or
/// http→https; an error otherwise.
fn same_host_redirect(from: &Url, location: &str) -> Result<Url, SyncError> {
    let refuse = |reason: &str| SyncError::Redirect {
        url: from.to_string(),
        location: location.to_string(),
        reason: reason.to_string(),
    };
    if location.is_empty() {
        return Err(refuse("no Location header"));
    }
    let to = from.join(location).map_err(|e| refuse(&e.to_string()))?;
    let scheme_ok = to.scheme() == from.scheme() || (from.scheme() == "http" && to.scheme() == "https");
    if !scheme_ok {
        return Err(refuse("a different scheme"));
    }
    let from_port = from.port_or_known_default();
    let to_port = if from.scheme() != to.scheme() { from_port } else { to.port_or_known_default() };
    if to.host_str() != from.host_str() || to_port != from_port {
        return Err(refuse("a different host (only same-host redirects are followed)"));
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_the_host() {
        let from = Url::parse("http://127.0.0.1:8080/a/b.json").unwrap();
        assert_eq!(same_host_redirect(&from, "/c.json").unwrap().as_str(), "http://127.0.0.1:8080/c.json");
        assert!(same_host_redirect(&from, "http://evil.example/c.json").is_err());
        assert!(same_host_redirect(&from, "http://127.0.0.1:9090/c.json").is_err());
        assert!(same_host_redirect(&from, "").is_err());
        let https = Url::parse("https://example.org/x").unwrap();
        assert!(same_host_redirect(&https, "http://example.org/x").is_err());
        let http = Url::parse("http://example.org/x").unwrap();
        assert!(same_host_redirect(&http, "https://example.org/y").is_ok());
    }
}
