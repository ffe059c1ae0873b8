//! Exact decimal arithmetic for the CVSS v2.0 equations.
//!
//! The v2 guide rounds to one decimal "half up" at several points, and its weights are decimal
//! fractions (0.395, 10.41, 1.176…) that binary floating point cannot hold: a product that is
//! exactly 4.25 in decimal can come out as 4.2499999… in `f64` and round the wrong way. Every
//! v2 weight has at most three decimals, so all v2 quantities are exact as an integer mantissa
//! with a power-of-ten scale; the deepest chain needs about 26 digits, well inside `i128`.
//! Operations saturate instead of overflowing, so nothing here can panic.

use std::cmp::Ordering;

/// `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dec {
    mantissa: i128,
    scale: u32,
}

impl Dec {
    pub(crate) const ZERO: Dec = Dec::new(0, 0);

    /// `mantissa × 10^-scale`.
    pub(crate) const fn new(mantissa: i128, scale: u32) -> Dec {
        Dec { mantissa, scale }
    }

    /// An integer.
    pub(crate) const fn int(value: i128) -> Dec {
        Dec::new(value, 0)
    }

    /// Thousandths: `milli(395)` is 0.395.
    pub(crate) const fn milli(value: i128) -> Dec {
        Dec::new(value, 3)
    }

    pub(crate) fn mul(self, other: Dec) -> Dec {
        Dec::new(self.mantissa.saturating_mul(other.mantissa), self.scale.saturating_add(other.scale))
    }

    pub(crate) fn add(self, other: Dec) -> Dec {
        let (a, b, scale) = align(self, other);
        Dec::new(a.saturating_add(b), scale)
    }

    pub(crate) fn sub(self, other: Dec) -> Dec {
        let (a, b, scale) = align(self, other);
        Dec::new(a.saturating_sub(b), scale)
    }

    pub(crate) fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    pub(crate) fn min(self, other: Dec) -> Dec {
        if self.cmp(other) == Ordering::Greater { other } else { self }
    }

    pub(crate) fn max(self, other: Dec) -> Dec {
        if self.cmp(other) == Ordering::Less { other } else { self }
    }

    pub(crate) fn cmp(self, other: Dec) -> Ordering {
        let (a, b, _) = align(self, other);
        a.cmp(&b)
    }

    /// Rounds to one decimal, halves away from zero (Python's `ROUND_HALF_UP`, which the v2 guide's
    /// "round to one decimal" is taken to mean by NVD and the reference implementations).
    pub(crate) fn round1(self) -> Dec {
        if self.scale <= 1 {
            return Dec::new(self.mantissa.saturating_mul(pow10(1 - self.scale)), 1);
        }
        let unit = pow10(self.scale - 1);
        let quotient = self.mantissa / unit;
        let remainder = (self.mantissa % unit).abs();
        let away = remainder.saturating_mul(2) >= unit;
        let rounded = match (away, self.mantissa < 0) {
            (false, _) => quotient,
            (true, false) => quotient + 1,
            (true, true) => quotient - 1,
        };
        Dec::new(rounded, 1)
    }

    /// The nearest `f64`. Exact for values with one decimal, the only ones converted.
    pub(crate) fn to_f64(self) -> f64 {
        // i128 → f64 is exact for the small mantissas of rounded scores; dividing by a power of
        // ten then gives the correctly rounded double, the same one a literal like 4.3 denotes.
        self.mantissa as f64 / pow10(self.scale) as f64
    }
}

fn pow10(exp: u32) -> i128 {
    10i128.saturating_pow(exp)
}

/// Both mantissas at the larger scale.
fn align(a: Dec, b: Dec) -> (i128, i128, u32) {
    match a.scale.cmp(&b.scale) {
        Ordering::Equal => (a.mantissa, b.mantissa, a.scale),
        Ordering::Less => (a.mantissa.saturating_mul(pow10(b.scale - a.scale)), b.mantissa, b.scale),
        Ordering::Greater => (a.mantissa, b.mantissa.saturating_mul(pow10(a.scale - b.scale)), a.scale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Dec::new(425, 2).round1().to_f64(), 4.3);
        assert_eq!(Dec::new(424_999, 5).round1().to_f64(), 4.2);
        assert_eq!(Dec::new(-425, 2).round1().to_f64(), -4.3);
        assert_eq!(Dec::new(-424, 2).round1().to_f64(), -4.2);
        assert_eq!(Dec::int(7).round1().to_f64(), 7.0);
        assert_eq!(Dec::new(1, 0).sub(Dec::milli(1)).mul(Dec::milli(10_410)).round1().to_f64(), 10.4);
    }

    #[test]
    fn compares_across_scales() {
        assert_eq!(Dec::new(10, 1).cmp(Dec::int(1)), Ordering::Equal);
        assert_eq!(Dec::milli(999).min(Dec::int(1)).to_f64(), 0.999);
        assert_eq!(Dec::milli(-1).max(Dec::ZERO).to_f64(), 0.0);
    }
}
