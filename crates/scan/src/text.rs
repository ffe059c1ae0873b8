//! Limits on what is kept, and small text helpers shared by the readers.

/// Plugin output, evidence and descriptions are cut to this many bytes.
pub const MAX_EVIDENCE: usize = 64 * 1024;
/// Any other single text value (names, versions, titles) is cut to this many bytes.
pub const MAX_FIELD: usize = 4 * 1024;
/// At most this many entries are kept in one list of a record (CVEs of a claim, hostnames…).
pub const MAX_LIST: usize = 10_000;

/// Appends `more` to `s` without letting `s` grow past `max` bytes (cut on a char boundary).
pub fn push_capped(s: &mut String, more: &str, max: usize) {
    if s.len() >= max {
        return;
    }
    let room = max - s.len();
    if more.len() <= room {
        s.push_str(more);
    } else {
        let mut end = room;
        while end > 0 && !more.is_char_boundary(end) {
            end -= 1;
        }
        s.push_str(&more[..end]);
    }
}

/// `s` trimmed and cut to `max` bytes; `None` when empty.
pub fn clean(s: &str, max: usize) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let mut out = String::new();
    push_capped(&mut out, t, max);
    Some(out)
}

/// A short field: trimmed, capped at [`MAX_FIELD`].
pub fn field(s: &str) -> Option<String> {
    clean(s, MAX_FIELD)
}

/// A long field: trimmed, capped at [`MAX_EVIDENCE`].
pub fn long(s: &str) -> Option<String> {
    clean(s, MAX_EVIDENCE)
}

/// Pushes `v` unless present already or the list is full.
pub fn push_unique(list: &mut Vec<String>, v: String) {
    if list.len() < MAX_LIST && !list.contains(&v) {
        list.push(v);
    }
}

/// Every `CVE-YYYY-NNNN…` in `s`, upper-cased, in order, without repeats.
pub fn cves_in(s: &str, out: &mut Vec<String>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i..i + 4].eq_ignore_ascii_case(b"CVE-") && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let year_start = i + 4;
            let mut j = year_start;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j - year_start == 4 && j < b.len() && b[j] == b'-' {
                let num_start = j + 1;
                let mut k = num_start;
                while k < b.len() && b[k].is_ascii_digit() {
                    k += 1;
                }
                if k - num_start >= 4 && (k == b.len() || !b[k].is_ascii_alphanumeric()) {
                    let id = format!("CVE-{}", &s[year_start..k]);
                    push_unique(out, id);
                    i = k;
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// The CVE id `s` is, if it is exactly one.
pub fn as_cve(s: &str) -> Option<String> {
    let mut v = Vec::new();
    let t = s.trim();
    cves_in(t, &mut v);
    match v.as_slice() {
        [one] if one.len() == t.len() => Some(one.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_on_char_boundary() {
        let mut s = String::new();
        push_capped(&mut s, "aé", 2);
        assert_eq!(s, "a");
        push_capped(&mut s, "bcd", 3);
        assert_eq!(s, "abc");
    }

    #[test]
    fn finds_cves() {
        let mut v = Vec::new();
        cves_in("x CVE-2021-44228, cve-2017-15906\tXCVE-2000-1111 CVE-20-1 CVE-2021-1234a", &mut v);
        assert_eq!(v, ["CVE-2021-44228", "CVE-2017-15906"]);
        assert_eq!(as_cve(" CVE-2014-0160 ").as_deref(), Some("CVE-2014-0160"));
        assert_eq!(as_cve("GHSA-xxxx"), None);
    }
}
