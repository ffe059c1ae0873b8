//! The `windows` profile: `major.minor.build.revision` (`10.0.19045.3693`), numeric fields only,
//! and the build-only form Microsoft's update pages use (`OS Build 19045.3693`).

use std::cmp::Ordering;

use super::VersionError;

const PREFIXES: &[&str] = &["os build", "build", "version"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field<'a> {
    /// Digits without leading zeros.
    Num(&'a [u8]),
    Wild,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Parsed<'a> {
    fields: [Field<'a>; 4],
    len: usize,
    /// `19045.3693`: the fields start at the build number.
    build_only: bool,
}

pub(super) fn parse(version: &str) -> Result<Parsed<'_>, VersionError> {
    let err = |reason: &str| VersionError::new(version, reason);
    let mut s = version.trim();
    if s.is_empty() {
        return Err(err("empty"));
    }
    let mut build_prefix = false;
    for p in PREFIXES {
        if let Some(head) = s.get(..p.len())
            && head.eq_ignore_ascii_case(p)
        {
            s = s[p.len()..].trim_start();
            build_prefix = p.ends_with("build");
            break;
        }
    }
    let mut fields = [Field::Num(&[]); 4];
    let mut len = 0;
    for part in s.split('.') {
        if len == 4 {
            return Err(err("more than four fields"));
        }
        let b = part.as_bytes();
        fields[len] = if part == "*" || part.eq_ignore_ascii_case("x") {
            Field::Wild
        } else if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
            let first = b.iter().position(|&d| d != b'0').unwrap_or(b.len());
            Field::Num(&b[first..])
        } else {
            return Err(err("Windows versions are numeric fields separated by `.`"));
        };
        len += 1;
    }
    if !fields[..len].iter().any(|f| matches!(f, Field::Num(_))) {
        return Err(err("no digit"));
    }
    let build_only = match fields[0] {
        Field::Num(d) => len <= 2 && (d.len() >= 4 || build_prefix),
        Field::Wild => false,
    };
    Ok(Parsed { fields, len, build_only })
}

fn cmp_fields(a: &[Field<'_>], b: &[Field<'_>]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let fa = a.get(i).copied().unwrap_or(Field::Num(&[]));
        let fb = b.get(i).copied().unwrap_or(Field::Num(&[]));
        match (fa, fb) {
            (Field::Wild, _) | (_, Field::Wild) => return Ordering::Equal,
            (Field::Num(x), Field::Num(y)) => match x.len().cmp(&y.len()).then_with(|| x.cmp(y)) {
                Ordering::Equal => {}
                o => return o,
            },
        }
    }
    Ordering::Equal
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    let pa = parse(a)?;
    let pb = parse(b)?;
    let fa = &pa.fields[..pa.len];
    let fb = &pb.fields[..pb.len];
    Ok(match (pa.build_only, pb.build_only) {
        (true, true) | (false, false) => cmp_fields(fa, fb),
        (true, false) => {
            let Some(rest) = fb.get(2..).filter(|r| !r.is_empty()) else {
                return Err(VersionError::new(
                    b,
                    "has no build number to compare with build-only `".to_string() + a + "`",
                ));
            };
            cmp_fields(fa, rest)
        }
        (false, true) => {
            let Some(rest) = fa.get(2..).filter(|r| !r.is_empty()) else {
                return Err(VersionError::new(
                    a,
                    "has no build number to compare with build-only `".to_string() + b + "`",
                ));
            };
            cmp_fields(rest, fb)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_builds() {
        assert_eq!(compare("10.0.19045.3693", "10.0.19045.3570").unwrap(), Ordering::Greater);
        assert_eq!(compare("10.0.19045.3693", "OS Build 19045.3693").unwrap(), Ordering::Equal);
        assert_eq!(compare("19045.3693", "10.0.19045.3803").unwrap(), Ordering::Less);
        assert_eq!(compare("10.0.19045", "10.0.19045.0").unwrap(), Ordering::Equal);
        assert_eq!(compare("10.0.*", "10.0.22621.1").unwrap(), Ordering::Equal);
        assert!(compare("10.0", "19045.3693").is_err());
        assert!(compare("22H2", "10.0").is_err());
        assert!(compare("1.2.3.4.5", "10.0").is_err());
        assert!(compare("1..2", "10.0").is_err());
        assert!(compare("*", "10.0").is_err());
    }
}
