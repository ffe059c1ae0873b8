//! The `date` profile: versions that are calendar dates (`2021-03-04`, `20210304`,
//! `2021.03.04`), compared as (year, month, day).

use std::cmp::Ordering;

use super::VersionError;

const PREFIXES: &[&str] = &["build", "version", "rev", "v", "r"];

/// (year, month, day).
pub(super) fn parse(version: &str) -> Result<(u32, u32, u32), VersionError> {
    let err = |reason: &str| VersionError::new(version, reason);
    let mut s = version.trim();
    if s.is_empty() {
        return Err(err("empty"));
    }
    for p in PREFIXES {
        if let Some(head) = s.get(..p.len())
            && head.eq_ignore_ascii_case(p)
        {
            let rest = s[p.len()..].trim_start_matches([' ', '.', '-', '_']);
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                s = rest;
                break;
            }
        }
    }
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter().try_fold(0u32, |acc, d| acc.checked_mul(10)?.checked_add(u32::from(d - b'0')))
    };
    let (y, m, d) = match b.len() {
        8 => (digits(0..4), digits(4..6), digits(6..8)),
        10 if matches!(b[4], b'-' | b'.' | b'/' | b'_') && b[7] == b[4] => (digits(0..4), digits(5..7), digits(8..10)),
        _ => return Err(err("not a date (expected YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD or YYYYMMDD)")),
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(err("not a date (expected YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD or YYYYMMDD)"));
    };
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Err(err("impossible calendar date"));
    }
    Ok((y, m, d))
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 31,
    }
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse("2021-03-04").unwrap(), (2021, 3, 4));
        assert_eq!(parse("20210304").unwrap(), (2021, 3, 4));
        assert_eq!(parse("2021.03.04").unwrap(), (2021, 3, 4));
        assert_eq!(parse("Build 2019-09-21").unwrap(), (2019, 9, 21));
        assert!(parse("2021-02-29").is_err());
        assert!(parse("2020-02-29").is_ok());
        assert!(parse("2021-13-01").is_err());
        assert!(parse("2021-03-04x").is_err());
        assert!(parse("2021-03.04").is_err());
        assert!(parse("").is_err());
        assert!(parse("ééééééé").is_err());
    }
}
