//! `datetime`: RFC 3339 timestamps (`2024-01-01T00:00:00Z`, `2023-12-31T19:00:00-05:00`,
//! fractional seconds of any length), compared as instants.

use std::cmp::Ordering;

use super::{VersError, bad_version};

/// Seconds since 1970-01-01T00:00:00Z and the fractional digits without trailing zeros.
struct Instant<'a> {
    seconds: i64,
    fraction: &'a [u8],
}

fn num(b: &[u8], r: std::ops::Range<usize>) -> Option<i64> {
    let part = b.get(r)?;
    if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    part.iter().try_fold(0i64, |acc, d| acc.checked_mul(10)?.checked_add(i64::from(d - b'0')))
}

/// Days from 1970-01-01 to the given proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

fn parse(v: &str) -> Result<Instant<'_>, VersError> {
    let err = || bad_version("datetime", v, "expected an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM))");
    let b = v.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return Err(err());
    }
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) =
        (num(b, 0..4), num(b, 5..7), num(b, 8..10), num(b, 11..13), num(b, 14..16), num(b, 17..19))
    else {
        return Err(err());
    };
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return Err(err());
    }
    let mut pos = 19;
    let mut fraction: &[u8] = &[];
    if b.get(pos) == Some(&b'.') {
        let start = pos + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return Err(err());
        }
        fraction = &b[start..end];
        while let [rest @ .., b'0'] = fraction {
            fraction = rest;
        }
        pos = end;
    }
    let offset = match b.get(pos..) {
        Some(b"Z" | b"z") => 0,
        Some([sign @ (b'+' | b'-'), _, _, b':', _, _]) => {
            let (Some(oh), Some(om)) = (num(b, pos + 1..pos + 3), num(b, pos + 4..pos + 6)) else {
                return Err(err());
            };
            if oh > 23 || om > 59 {
                return Err(err());
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' { -o } else { o }
        }
        _ => return Err(err()),
    };
    let seconds = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset;
    Ok(Instant { seconds, fraction })
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    let ia = parse(a)?;
    let ib = parse(b)?;
    Ok(ia.seconds.cmp(&ib.seconds).then_with(|| ia.fraction.cmp(ib.fraction)))
}
