//! The CVSS v4.0 macrovector score table (270 entries), read at compile time from
//! `data/v4-macrovectors.tsv`.
//!
//! The file is parsed by a `const fn` inside a `static` initialiser, so a malformed, duplicate or
//! missing row is a compile error and nothing here runs, or can fail, at run time.

const DATA: &str = include_str!("../data/v4-macrovectors.tsv");

/// Number of macrovectors: 3·2·3·3·3·2 = 324 combinations of EQ levels less the 54 with EQ3 = 2
/// and EQ6 = 0 (no vector has both "no high impact" and "a high impact on a high requirement").
pub(crate) const MACROVECTORS: usize = 270;

/// Marks a combination of EQ levels that is not a macrovector.
const ABSENT: u8 = u8::MAX;

/// Score in tenths for each macrovector, indexed by its six digits read as a base-3 number.
static TABLE: [u8; 729] = parse(DATA);

/// The score, in tenths, of the macrovector with EQ levels `eq` (EQ1..EQ6), or `None` when the
/// combination is not a macrovector (a level one past the lowest, or EQ3 = 2 with EQ6 = 0).
pub(crate) fn score_tenths(eq: [u8; 6]) -> Option<u8> {
    let mut index = 0usize;
    for digit in eq {
        if digit > 2 {
            return None;
        }
        index = index * 3 + usize::from(digit);
    }
    TABLE.get(index).copied().filter(|s| *s != ABSENT)
}

/// Parses the TSV: `#` comment lines, then rows `DDDDDD<TAB>S.S` (six EQ digits, a score with one
/// decimal in [0, 10]). Runs at compile time only.
const fn parse(text: &str) -> [u8; 729] {
    let bytes = text.as_bytes();
    let mut table = [ABSENT; 729];
    let mut rows = 0;
    let mut pos = 0;
    while pos < bytes.len() {
        let start = pos;
        let mut end = pos;
        while end < bytes.len() && bytes[end] != b'\n' {
            end += 1;
        }
        pos = end + 1;
        if end == start || bytes[start] == b'#' {
            continue;
        }
        if end - start < 10 || bytes[start + 6] != b'\t' {
            panic!("v4-macrovectors.tsv: a row must be six EQ digits, a tab and a score");
        }
        let mut index = 0;
        let mut k = 0;
        while k < 6 {
            let digit = bytes[start + k];
            if digit < b'0' || digit > b'2' {
                panic!("v4-macrovectors.tsv: EQ levels are 0, 1 or 2");
            }
            index = index * 3 + (digit - b'0') as usize;
            k += 1;
        }
        // Score: integer digits, '.', exactly one decimal.
        let mut tenths: u32 = 0;
        let mut p = start + 7;
        while p < end && bytes[p] != b'.' {
            if !bytes[p].is_ascii_digit() {
                panic!("v4-macrovectors.tsv: a score is digits, '.', one digit");
            }
            tenths = tenths * 10 + (bytes[p] - b'0') as u32;
            p += 1;
        }
        if p == start + 7 || p + 2 != end || !bytes[p + 1].is_ascii_digit() {
            panic!("v4-macrovectors.tsv: a score is digits, '.', one digit");
        }
        tenths = tenths * 10 + (bytes[p + 1] - b'0') as u32;
        if tenths > 100 {
            panic!("v4-macrovectors.tsv: a score is at most 10.0");
        }
        if table[index] != ABSENT {
            panic!("v4-macrovectors.tsv: duplicate macrovector");
        }
        table[index] = tenths as u8;
        rows += 1;
    }
    if rows != MACROVECTORS {
        panic!("v4-macrovectors.tsv: expected 270 macrovectors");
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_checks_and_reachability() {
        assert_eq!(score_tenths([0, 0, 0, 0, 0, 0]), Some(100));
        assert_eq!(score_tenths([0, 0, 0, 0, 0, 1]), Some(99));
        assert_eq!(score_tenths([2, 1, 2, 2, 2, 1]), Some(1));
        assert_eq!(score_tenths([0, 0, 2, 0, 0, 0]), None);
        assert_eq!(score_tenths([3, 0, 0, 0, 0, 0]), None);
        // Every reachable combination has a score, every unreachable one has none.
        let mut found = 0;
        for eq1 in 0..3 {
            for eq2 in 0..2 {
                for eq3 in 0..3 {
                    for eq4 in 0..3 {
                        for eq5 in 0..3 {
                            for eq6 in 0..2 {
                                let reachable = !(eq3 == 2 && eq6 == 0);
                                let score = score_tenths([eq1, eq2, eq3, eq4, eq5, eq6]);
                                assert_eq!(score.is_some(), reachable, "{eq1}{eq2}{eq3}{eq4}{eq5}{eq6}");
                                found += usize::from(score.is_some());
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(found, MACROVECTORS);
    }
}
