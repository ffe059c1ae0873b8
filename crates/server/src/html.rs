//! The markup builder every page writes through, and the page shell (header navigation, footer).
//!
//! Text from the database is hostile until escaped: a name can hold `<script>`, an id can hold
//! quotes. [`Html`] therefore takes markup only as `&'static str` (written in this crate) and
//! everything else — text, attribute values, URLs — through [`escape_into`], the one escaping
//! function. Never add a method that appends a runtime `String` unescaped.

use std::fmt::{Display, Write as _};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::VERSION;

/// Appends `s` with the five characters that are special in HTML text and in quoted attribute
/// values replaced by character references.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// [`escape_into`] into a new string.
#[cfg(test)]
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Percent-encodes `s` for use as one path segment or one query value: everything but the
/// unreserved characters of RFC 3986 is encoded, so `/`, `?`, `#`, `&` and `=` cannot change the
/// shape of a URL.
pub(crate) fn url_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A fragment identifier for a record id (`zone-` + id) that needs no decoding: letters, digits,
/// `-` and `.` stay, every other byte becomes `_XX`.
pub(crate) fn anchor(prefix: &str, id: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + id.len() + 1);
    out.push_str(prefix);
    out.push('-');
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "_{b:02X}");
        }
    }
    out
}

/// The asset page of an asset id.
pub(crate) fn asset_href(id: &str) -> String {
    format!("/assets/{}", url_part(id))
}

/// The asset list with the given filter parameters (empty values are left out).
pub(crate) fn assets_href(params: &[(&str, &str)]) -> String {
    with_query("/assets", params)
}

/// The page of a finding id (`PLC-1:CVE-2022-0028`; the `:` and any `/` are encoded).
pub(crate) fn finding_href(id: &str) -> String {
    format!("/findings/{}", url_part(id))
}

/// The findings list with the given filter parameters (empty values are left out).
pub(crate) fn findings_href(params: &[(&str, &str)]) -> String {
    with_query("/findings", params)
}

/// `path?k=v&…` with every name and value percent-encoded and empty values left out.
fn with_query(path: &'static str, params: &[(&str, &str)]) -> String {
    let mut out = String::from(path);
    let mut sep = '?';
    for (k, v) in params.iter().filter(|(_, v)| !v.is_empty()) {
        out.push(sep);
        out.push_str(&url_part(k));
        out.push('=');
        out.push_str(&url_part(v));
        sep = '&';
    }
    out
}

/// The intelligence page of a CVE or advisory id.
pub(crate) fn intel_href(id: &str) -> String {
    format!("/intel/{}", url_part(id))
}

/// The URL, trimmed, when it may become a link: an absolute `http` or `https` URL with no control
/// characters. Anything else (`javascript:`, `data:`, `file:`, relative paths) is shown as text.
pub(crate) fn web_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme_ok = ["http://", "https://"]
        .iter()
        .any(|p| url.len() > p.len() && url.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p)));
    (scheme_ok && !url.chars().any(char::is_control)).then_some(url)
}

/// The card of a zone on the overview.
pub(crate) fn zone_href(id: &str) -> String {
    format!("/#{}", anchor("zone", id))
}

/// Markup under construction.
#[derive(Debug, Default, Clone)]
pub(crate) struct Html {
    buf: String,
}

impl Html {
    pub(crate) fn new() -> Self {
        Html::default()
    }

    /// Trusted markup written in this crate.
    pub(crate) fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.buf.push_str(markup);
        self
    }

    /// Escaped text.
    pub(crate) fn text(&mut self, text: impl Display) -> &mut Self {
        // Format first, then escape: a Display impl must not be able to smuggle markup in.
        let s = text.to_string();
        escape_into(&mut self.buf, &s);
        self
    }

    /// `<tag a="v" …>` with escaped attribute values.
    pub(crate) fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        for (name, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(name);
            self.buf.push_str("=\"");
            escape_into(&mut self.buf, value);
            self.buf.push('"');
        }
        self.buf.push('>');
        self
    }

    pub(crate) fn close(&mut self, tag: &'static str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// `<tag …>text</tag>`.
    pub(crate) fn el(&mut self, tag: &'static str, attrs: &[(&'static str, &str)], text: impl Display) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// `<a href="…">text</a>`.
    pub(crate) fn link(&mut self, href: &str, text: impl Display) -> &mut Self {
        self.el("a", &[("href", href)], text)
    }

    /// A link to a URL from a document, only when [`web_url`] accepts it; otherwise the URL as
    /// text, marked as not a web link. Links leave the dashboard: `rel="noreferrer noopener"`.
    pub(crate) fn web_link(&mut self, url: &str) -> &mut Self {
        match web_url(url) {
            Some(u) => self.open("a", &[("href", u), ("rel", "noreferrer noopener")]).text(u).close("a"),
            None => self.el("code", &[], url).raw(" ").el("span", &[("class", "badge badge-warn")], "not a web link"),
        }
    }

    /// Appends markup built by another builder (and so already escaped).
    pub(crate) fn append(&mut self, other: &Html) -> &mut Self {
        self.buf.push_str(&other.buf);
        self
    }

    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        &self.buf
    }
}

/// The entries of the header navigation: (path, label). A new page adds its entry here.
pub(crate) const NAV: &[(&str, &str)] = &[
    ("/", "Overview"),
    ("/decisions", "Decisions"),
    ("/assets", "Assets"),
    ("/findings", "Findings"),
    ("/exposure", "Exposure"),
    ("/imports", "Imports"),
    ("/intel", "Intelligence"),
];

/// A whole HTML document: head, header navigation with `current` marked, `body` in `<main>`,
/// footer with the version and the database.
pub(crate) fn document(title: &str, current: Option<&str>, database: Option<&str>, body: &Html) -> String {
    let mut h = Html::new();
    h.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .open("title", &[])
        .text(title)
        .raw(" — Patchwise")
        .close("title")
        .raw("\n")
        .open("link", &[("rel", "stylesheet"), ("href", &format!("/static/patchwise.css?v={VERSION}"))])
        .raw("\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
        .raw("<header class=\"top\"><nav aria-label=\"Main\"><a class=\"brand\" href=\"/\">Patchwise</a><ul>");
    for (path, label) in NAV {
        h.raw("<li>");
        if current == Some(path) {
            h.open("a", &[("href", path), ("aria-current", "page")]).text(label).close("a");
        } else {
            h.link(path, label);
        }
        h.raw("</li>");
    }
    h.raw("</ul></nav></header>\n<main id=\"main\">\n")
        .append(body)
        .raw("\n</main>\n<footer class=\"bottom\">")
        .text(format!("Patchwise {VERSION}"));
    if let Some(db) = database {
        h.raw(" · database ").el("code", &[], db);
    }
    h.raw(" · read-only view, served on loopback only</footer>\n</body>\n</html>\n");
    h.buf
}

/// An HTML response. Pages are rendered per request from the database, so they are not cached.
pub(crate) fn response(status: StatusCode, document: String) -> Response {
    let mut r = (status, document).into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn escaping_defuses_hostile_text() {
        assert_eq!(escape("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(escape("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
        assert_eq!(escape("a & b"), "a &amp; b");
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("Zürich — ok"), "Zürich — ok");
    }

    #[test]
    fn builder_escapes_text_and_attributes() {
        let mut h = Html::new();
        h.el("p", &[("title", "\"><script>x</script>")], "<b>bold</b>");
        assert_eq!(h.as_str(), "<p title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">&lt;b&gt;bold&lt;/b&gt;</p>");
        let mut l = Html::new();
        l.link(&asset_href("a\"/../x?y#z"), "x");
        assert_eq!(l.as_str(), "<a href=\"/assets/a%22%2F..%2Fx%3Fy%23z\">x</a>");
    }

    #[test]
    fn urls_and_anchors() {
        assert_eq!(url_part("PLC 1/a&b=c"), "PLC%201%2Fa%26b%3Dc");
        assert_eq!(url_part("Zürich"), "Z%C3%BCrich");
        assert_eq!(assets_href(&[("zone", "cell 1"), ("kind", ""), ("q", "a&b")]), "/assets?zone=cell%201&q=a%26b");
        assert_eq!(assets_href(&[]), "/assets");
        assert_eq!(finding_href("RTU/7:CVE-2022-0028"), "/findings/RTU%2F7%3ACVE-2022-0028");
        assert_eq!(findings_href(&[("asset", "A&B"), ("cve", "")]), "/findings?asset=A%26B");
        assert_eq!(anchor("zone", "cell-1.a b\"<"), "zone-cell-1.a_20b_22_3C");
    }

    #[test]
    fn only_web_urls_become_links() {
        for ok in ["https://example.com/a?b=c&d", "HTTP://example.com", "  https://x.invalid/  "] {
            assert_eq!(web_url(ok), Some(ok.trim()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>x</script>",
            "file:///etc/passwd",
            "/relative",
            "//example.com",
            "https://",
            "https://exa\nmple.com",
            "https://example.com/\u{0}",
            "",
        ] {
            assert_eq!(web_url(bad), None, "{bad:?}");
        }
        let mut h = Html::new();
        h.web_link("https://example.com/?a=\"><script>");
        assert_eq!(
            h.as_str(),
            "<a href=\"https://example.com/?a=&quot;&gt;&lt;script&gt;\" rel=\"noreferrer noopener\">https://example.com/?a=&quot;&gt;&lt;script&gt;</a>"
        );
        let mut h = Html::new();
        h.web_link("javascript:alert('x')");
        assert_eq!(
            h.as_str(),
            "<code>javascript:alert(&#39;x&#39;)</code> <span class=\"badge badge-warn\">not a web link</span>"
        );
    }

    #[test]
    fn document_marks_the_current_page_and_escapes_the_title() {
        let doc = document("<x>", Some("/assets"), Some("/tmp/a<b>.db"), &Html::new());
        assert!(doc.contains("<title>&lt;x&gt; — Patchwise</title>"));
        assert!(doc.contains("<a href=\"/assets\" aria-current=\"page\">Assets</a>"));
        assert!(doc.contains("<code>/tmp/a&lt;b&gt;.db</code>"));
        assert!(!doc.contains("<x>"));
    }
}
