//! The pull-parsing loop every XML reader shares.
//!
//! Safety rules live here, once: no DTD processing (a document type declaring entities is
//! refused), no entity other than the five predefined ones and character references, text
//! kept per element capped at [`MAX_EVIDENCE`], and a file that ends inside an element is an
//! error (a truncated report must never read as a smaller, complete one).

use std::io::BufRead;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, Result};
use crate::text::{MAX_EVIDENCE, push_capped};

/// Attributes of the element being opened, by local name (namespace prefix dropped).
#[derive(Default)]
pub(crate) struct Attrs {
    items: Vec<(String, String)>,
    len: usize,
}

impl Attrs {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.items[..self.len].iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn fill(&mut self, e: &BytesStart<'_>, cx: &Cx<'_>) -> Result<()> {
        self.len = 0;
        for a in e.attributes() {
            let a = a.map_err(|err| cx.err(format!("bad attribute: {err}")))?;
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| cx.err(format!("bad attribute value: {err}")))?;
            if self.len == self.items.len() {
                self.items.push((String::new(), String::new()));
            }
            let slot = &mut self.items[self.len];
            slot.0.clear();
            slot.0.push_str(a.key.local_name().as_ref());
            slot.1.clear();
            push_capped(&mut slot.1, &value, MAX_EVIDENCE);
            self.len += 1;
        }
        Ok(())
    }
}

/// Where the parser is: the file, the byte offset, the open elements (ancestors of the current
/// one, outermost first).
pub(crate) struct Cx<'a> {
    pub file: &'a str,
    pub offset: u64,
    pub stack: &'a [String],
}

impl Cx<'_> {
    pub fn err(&self, what: impl Into<String>) -> Error {
        Error::Xml { file: self.file.to_string(), offset: self.offset, what: what.into() }
    }

    /// The parent element's local name.
    pub fn parent(&self) -> &str {
        self.stack.last().map(String::as_str).unwrap_or("")
    }

    /// The local name `n` levels above the parent (0 = the parent itself).
    pub fn up(&self, n: usize) -> &str {
        self.stack.len().checked_sub(n + 1).and_then(|i| self.stack.get(i)).map(String::as_str).unwrap_or("")
    }

    /// Whether an element named `name` is open above this one.
    pub fn inside(&self, name: &str) -> bool {
        self.stack.iter().any(|s| s == name)
    }
}

pub(crate) trait Handler {
    /// An element opens (`cx.stack` holds its ancestors).
    fn start(&mut self, cx: &Cx<'_>, name: &str, attrs: &Attrs) -> Result<()>;
    /// An element closes; `text` is its own character data (capped), untrimmed.
    fn end(&mut self, cx: &Cx<'_>, name: &str, text: &str) -> Result<()>;
}

/// Reads the whole document, calling `h`. The root element's local name must be one of `roots`.
pub(crate) fn drive<R: BufRead>(input: R, file: &str, roots: &[&str], h: &mut impl Handler) -> Result<()> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut stack: Vec<String> = Vec::new();
    // The direct text of every open element, outermost first; `starts[i]` is where the text
    // of `stack[i]` begins. A closing element's text is cut off, so a parent keeps only its
    // own text, before and after its children.
    let mut text = String::new();
    let mut starts: Vec<usize> = Vec::new();
    let mut attrs = Attrs::default();
    let mut seen_root = false;
    loop {
        let offset = reader.buffer_position();
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(e) => {
                return Err(Error::Xml {
                    file: file.to_string(),
                    offset: reader.error_position(),
                    what: e.to_string(),
                });
            }
        };
        match ev {
            Event::Start(e) | Event::Empty(e) if seen_root && stack.is_empty() => {
                let name = e.local_name();
                return Err(Error::Xml {
                    file: file.to_string(),
                    offset,
                    what: format!("second root element <{}>", name.as_ref() as &str),
                });
            }
            Event::Start(e) => {
                seen_root = open(&e, file, offset, roots, seen_root, &stack, &mut attrs, h)?;
                stack.push(e.local_name().as_ref().to_string());
                starts.push(text.len());
            }
            Event::Empty(e) => {
                seen_root = open(&e, file, offset, roots, seen_root, &stack, &mut attrs, h)?;
                let name = e.local_name();
                let cx = Cx { file, offset, stack: &stack };
                h.end(&cx, name.as_ref(), "")?;
            }
            Event::End(e) => {
                let Some(name) = stack.pop() else {
                    return Err(Error::Xml { file: file.to_string(), offset, what: "end tag without start".into() });
                };
                let local = e.local_name();
                if local.as_ref() != name {
                    return Err(Error::Xml {
                        file: file.to_string(),
                        offset,
                        what: format!("expected </{name}>, found </{}>", local.as_ref() as &str),
                    });
                }
                let start = starts.pop().unwrap_or(0).min(text.len());
                let cx = Cx { file, offset, stack: &stack };
                h.end(&cx, &name, &text[start..])?;
                text.truncate(start);
            }
            Event::Text(t) => {
                if let Some(start) = starts.last() {
                    push_capped(&mut text, &t.xml10_content(), start + MAX_EVIDENCE);
                }
            }
            Event::CData(t) => {
                if let Some(start) = starts.last() {
                    push_capped(&mut text, &t.xml10_content(), start + MAX_EVIDENCE);
                }
            }
            Event::GeneralRef(r) => {
                let cx = Cx { file, offset, stack: &stack };
                let ch = r.resolve_char_ref().map_err(|e| cx.err(format!("bad character reference: {e}")))?;
                let mut tmp = [0u8; 4];
                let s: &str = match ch {
                    Some(c) => c.encode_utf8(&mut tmp),
                    None => resolve_predefined_entity(&r).ok_or_else(|| {
                        cx.err(format!("entity &{}; is not predefined; entities are never expanded", &*r as &str))
                    })?,
                };
                if let Some(start) = starts.last() {
                    push_capped(&mut text, s, start + MAX_EVIDENCE);
                }
            }
            Event::DocType(d) => {
                if d.contains("<!ENTITY") {
                    return Err(Error::Xml {
                        file: file.to_string(),
                        offset,
                        what: "document type declares entities; DTDs are refused".into(),
                    });
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(Error::Xml {
                        file: file.to_string(),
                        offset: reader.buffer_position(),
                        what: format!("file ends inside <{open}> (truncated?)"),
                    });
                }
                if !seen_root {
                    return Err(Error::Format { file: file.to_string(), what: "no XML root element".into() });
                }
                return Ok(());
            }
        }
        buf.clear();
    }
}

/// An element opens: checks the root, reads the attributes, calls the handler. Returns whether
/// the root has been seen.
#[allow(clippy::too_many_arguments)]
fn open(
    e: &BytesStart<'_>,
    file: &str,
    offset: u64,
    roots: &[&str],
    seen_root: bool,
    stack: &[String],
    attrs: &mut Attrs,
    h: &mut impl Handler,
) -> Result<bool> {
    let name = e.local_name();
    let name: &str = name.as_ref();
    if !seen_root && !roots.contains(&name) {
        return Err(Error::Format {
            file: file.to_string(),
            what: format!("root element is <{name}>, expected <{}>", roots.join("> or <")),
        });
    }
    let cx = Cx { file, offset, stack };
    attrs.fill(e, &cx)?;
    h.start(&cx, name, attrs)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Log(Vec<String>);
    impl Handler for Log {
        fn start(&mut self, cx: &Cx<'_>, name: &str, attrs: &Attrs) -> Result<()> {
            self.0.push(format!(
                "+{name}@{}{}",
                cx.stack.len(),
                attrs.get("a").map(|a| format!("[{a}]")).unwrap_or_default()
            ));
            Ok(())
        }
        fn end(&mut self, _cx: &Cx<'_>, name: &str, text: &str) -> Result<()> {
            self.0.push(format!("-{name}:{text}"));
            Ok(())
        }
    }

    fn run(s: &str) -> Result<Vec<String>> {
        let mut l = Log::default();
        drive(s.as_bytes(), "t.xml", &["r"], &mut l)?;
        Ok(l.0)
    }

    #[test]
    fn events_entities_and_empty() {
        let got =
            run("<?xml version='1.0'?><r><x a='1&amp;&#x41;'>a &lt;b&gt; &#65;<![CDATA[<c>]]></x><y/></r>").unwrap();
        assert_eq!(got, ["+r@0", "+x@1[1&A]", "-x:a <b> A<c>", "+y@1", "-y:", "-r:"]);
    }

    #[test]
    fn refuses_entities_and_truncation() {
        let e = run("<!DOCTYPE r [<!ENTITY x 'boom'>]><r>&x;</r>").unwrap_err();
        assert!(e.to_string().contains("DTDs are refused"), "{e}");
        let e = run("<r>&x;</r>").unwrap_err();
        assert!(e.to_string().contains("never expanded"), "{e}");
        let e = run("<r><x>").unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = run("<q/>").unwrap_err();
        assert!(matches!(e, Error::Format { .. }), "{e}");
        let e = run("<r><x></y></r>").unwrap_err();
        assert!(matches!(e, Error::Xml { .. }), "{e}");
        assert!(run("").is_err());
    }
}
