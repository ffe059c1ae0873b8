//! Version comparison: one generic algorithm and named vendor profiles for the forms ICS
//! advisories use.
//!
//! [`compare`] answers the order of two version strings under a [`Profile`], or a
//! [`VersionError`] when either string is not a version under that profile (empty, free text,
//! no digit at all). It never panics, never overflows (numbers of any length are compared as
//! digit strings) and does not allocate unless it returns an error.
//!
//! # The generic algorithm
//!
//! 1. **Trim** surrounding whitespace. Strip a leading **prefix word** directly before the first
//!    number (`V2.9.4`, `v.32.011`, `FW 01`, `R1.21.0`, `Rev 3`, `SV3.20`, `Version v1.0`): the
//!    prefixes are `v`, `ver`, `version`, `rev`, `r`, `fw`, `firmware`, `sv` and `build`; a
//!    profile may add more. `V2.9.4` and `2.9.4` are then the same version.
//! 2. **Split** the rest into components: runs of digits (numbers), runs of ASCII letters
//!    (words) and wildcards. Separators (`.`, `-`, `_`, `+`, `~`, `(`, `)`, spaces) only end
//!    components (`02.07.07(10)` is `2`, `7`, `7`, `10`, as WAGO writes firmware); a change
//!    between digits and letters ends one too (`1.0rc2` is `1`, `0`, `rc`, `2`). Any other
//!    character makes the string no version.
//! 3. **Classify words** (case-insensitively):
//!    - a single letter glued to the number before it and not followed by a digit is a
//!      **letter suffix**, part of that number (`1.0.2k`, `V10.2b`, `1.275M`, `15.2(4a)`): it
//!      sorts after the bare number and before the next one (`4 < 4a < 4b < 4.1 < 5`);
//!    - `x`, `X`, `xx` standing alone and `*` are **wildcards** (`4.1.x`, `V3.X.14`, `12.2.*`);
//!    - **pre-release** words, in this order: `dev`/`snapshot`/`nightly` < `alpha`/`a` <
//!      `beta`/`b` < `milestone`/`m` < `pre`/`preview` < `rc`/`c`/`cr` < any other short word
//!      (alphabetically);
//!    - **post-release** words, in this order at the same position: `build`/`bld` <
//!      `patch`/`p`/`pl`/`post`/`fix`/`security patch` < `hotfix`/`hf`/`hotfixrev` <
//!      `update`/`upd`/`cu`/`mp` < `sp`/`service pack` < `fp`/`feature pack` <
//!      `r`/`rev`/`revision` < a profile's own qualifiers < any other short word under a
//!      profile that reads unknown words as post-release (then alphabetically);
//!    - **neutral** words `ga`, `final`, `release`, `stable` say "this is the release" and are
//!      skipped (`1.0-final` = `1.0`, `v2.5-GA-01-22261` = `2.5-01-22261`);
//!    - any other word of four letters or more is free text: the string is no version
//!      (`All versions with Ethernet interface`, `9 Linux Image 2019-12-13`). Unknown words of
//!      up to three letters are pre-release in the generic profile (as in libversion).
//! 4. **Compare** the component lists left to right:
//!    - numbers compare by value (leading zeros dropped, then length, then digits), so
//!      `32.011` = `32.11` and `20.011` > `20.2`;
//!    - a number against a word or the end of the other version: a zero is padding and is
//!      skipped (`1.0` = `1.0.0`, `V1.0 SP1` = `V1.0.0 SP1`); any other number is greater
//!      (`1.0.1` > `1.0 SP1` > `1.0` > `1.0rc1`);
//!    - two words compare by class (pre-release < post-release < letter suffix), then by their
//!      order within the class, then (only for unknown words and letters) alphabetically;
//!    - a word against the end of the other version: pre-release is less, post-release and
//!      letter suffixes are greater (`1.0rc1` < `1.0` < `1.0 build 5` < `1.0a`);
//!    - a wildcard on either side ends the comparison as **Equal**: `4.1.x` equals every
//!      `4.1.*`, so `<= 4.1.x` includes all of 4.1 and `< 4.1.x` excludes all of it.
//!
//!    Together: `V16` < `V16 Update 4` < `V16 SP1` < `V16 SP1 Update 1` < `V17`;
//!    `V8.0` < `V8.0 HF3` < `V8.0 SP1`; `3.3.8` < `3.3.8_build230112` < `3.3.9`;
//!    `8.00` < `8.00-20141023` < `8.01`.
//!
//! The approach (components with pre-release < padding < post-release ranks) follows
//! libversion's algorithm; the padding rule differs: padding is by zero *numbers*, so a qualifier
//! compares against the qualifier at the same place after equal release numbers.
//!
//! # Profiles
//!
//! Each match records the comparator that decided it, by the stable name [`Profile::as_str`].
//!
//! - `generic`: the algorithm above.
//! - `siemens`: generic, plus the prefix `SE` (`SE2021MP4`, Solid Edge) and unknown short
//!   words are post-release (Siemens publishes no pre-releases; its qualifiers `SP`, `Update`,
//!   `Upd`, `HF`, `P`, `R`, `MP`, `CU`, `QU` always mean "later than the base").
//! - `rockwell`: generic, plus unknown short words are post-release (Stratix IOS trains
//!   `15.2(4a)EA5`: `EA`, `JC`). Rockwell's three-digit minor
//!   revisions (`32.011` = `32.11`, `20.011` > `20.2`) and dated revisions (`7.00-20130108`)
//!   need nothing beyond generic numbers.
//! - `schneider`: generic, plus `IE` and `IR` are post-release qualifiers (`V3.3 IE12`,
//!   `SV1.70 IR22`) and unknown short words are post-release; `SV3.20` = `3.20` through the
//!   generic prefixes.
//! - `windows`: numeric fields only, `major.minor.build.revision` (`10.0.19045.3693`), at most
//!   four, each compared by value, missing ones as zero; optional prefix `Build`, `OS Build` or
//!   `Version`. A build-only form (one or two fields whose first has four digits or more:
//!   `19045.3693`, `OS Build 19045.3693`) is compared with the build and revision fields of a
//!   full version. Letters are errors. `*`/`x` fields are wildcards.
//! - `date`: a calendar date, `2021-03-04`, `2021.03.04`, `2021/03/04`, `2021_03_04` or
//!   `20210304` (optional prefix word `build`, `v`, `r`, `rev`, `version`), compared as
//!   (year, month, day). An impossible date (`2021-02-30`) is an error.

mod date;
mod generic;
mod windows;

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// A named way of comparing versions. Serialised as [`Profile::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    Generic,
    Siemens,
    Rockwell,
    Schneider,
    Windows,
    Date,
}

impl Profile {
    pub const ALL: [Profile; 6] =
        [Profile::Generic, Profile::Siemens, Profile::Rockwell, Profile::Schneider, Profile::Windows, Profile::Date];

    /// The stable name recorded with every decision (`generic`, `siemens`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Generic => "generic",
            Profile::Siemens => "siemens",
            Profile::Rockwell => "rockwell",
            Profile::Schneider => "schneider",
            Profile::Windows => "windows",
            Profile::Date => "date",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a version under the profile used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{version}` is not a version ({reason})")]
pub struct VersionError {
    pub version: String,
    pub reason: String,
}

impl VersionError {
    pub(crate) fn new(version: &str, reason: impl Into<String>) -> VersionError {
        VersionError { version: version.to_string(), reason: reason.into() }
    }
}

/// Compares two versions under `profile`.
pub fn compare(a: &str, b: &str, profile: Profile) -> Result<Ordering, VersionError> {
    match profile {
        Profile::Date => date::compare(a, b),
        Profile::Windows => windows::compare(a, b),
        Profile::Generic | Profile::Siemens | Profile::Rockwell | Profile::Schneider => {
            generic::compare(a, b, generic::rules(profile))
        }
    }
}

/// Checks that `version` is a version under `profile`, without comparing it to anything.
pub fn validate(version: &str, profile: Profile) -> Result<(), VersionError> {
    match profile {
        Profile::Date => date::parse(version).map(|_| ()),
        Profile::Windows => windows::parse(version).map(|_| ()),
        Profile::Generic | Profile::Siemens | Profile::Rockwell | Profile::Schneider => {
            generic::validate(version, generic::rules(profile))
        }
    }
}

/// The name of the comparator a decision under `profile` records (the same as
/// [`Profile::as_str`]; kept as a function so callers need not know that).
pub fn comparator_name(profile: Profile) -> String {
    profile.as_str().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_round_trip() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.as_str()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
    }
}
