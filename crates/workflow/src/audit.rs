//! The append-only audit trail: every change to workflow records, controls, acceptances, windows
//! and users is an entry chained to the one before it by SHA-256, so an edit or a deletion
//! anywhere breaks the chain from that entry on.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One entry. `hash` = SHA-256 over the entry's fields and the previous entry's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// 1, 2, 3, … without gaps.
    pub seq: u64,
    /// RFC 3339.
    pub at: String,
    pub actor: String,
    /// `workflow.accept`, `control.add`, `user.add`, …
    pub action: String,
    /// What it concerns: a finding, a control, a user.
    pub object: String,
    /// Why (a person's reason, or the automatic trigger).
    pub reason: String,
    /// The change as compact JSON (the record after it).
    pub detail: String,
    /// The previous entry's hash; 64 zeros for the first.
    pub prev: String,
    pub hash: String,
}

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn field(h: &mut Sha256, s: &str) {
    // Length-prefixed, so no two different field lists hash alike.
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// The hash of an entry's content chained to its `prev` (the `hash` field itself is not read).
pub fn hash_of(e: &Entry) -> String {
    let mut h = Sha256::new();
    h.update(b"patchwise-audit/1");
    h.update(e.seq.to_be_bytes());
    for f in [&e.at, &e.actor, &e.action, &e.object, &e.reason, &e.detail, &e.prev] {
        field(&mut h, f);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What a new entry says: who did what to which object, and why, with the record after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct What<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub object: &'a str,
    pub reason: &'a str,
    pub detail: &'a str,
}

/// The next entry after `last` (or the first).
pub fn next(last: Option<&Entry>, w: &What<'_>) -> Entry {
    let (seq, prev) = last.map_or((1, GENESIS.to_string()), |l| (l.seq + 1, l.hash.clone()));
    let mut e = Entry {
        seq,
        at: w.at.into(),
        actor: w.actor.into(),
        action: w.action.into(),
        object: w.object.into(),
        reason: w.reason.into(),
        detail: w.detail.into(),
        prev,
        hash: String::new(),
    };
    e.hash = hash_of(&e);
    e
}

/// What a check of the trail found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub entries: u64,
    /// The last entry's hash: write it down elsewhere; a later check against it shows whether
    /// entries were cut off the end.
    pub head: String,
    /// Every problem, with the entry it is at.
    pub problems: Vec<String>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks entries in order: sequence without gaps, each linked to the previous hash, each hash
/// recomputed; `expected_head` (from an earlier check) must still be in the chain.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a Entry>, expected_head: Option<&str>) -> Verdict {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    let mut seq = 0u64;
    let mut seen_head = expected_head.is_none();
    for e in entries {
        seq += 1;
        if e.seq != seq {
            problems
                .push(format!("entry {}: expected sequence number {seq} (an entry is missing or was inserted)", e.seq));
            seq = e.seq;
        }
        if e.prev != prev {
            problems.push(format!("entry {}: does not link to the entry before it (it was removed or edited)", e.seq));
        }
        if hash_of(e) != e.hash {
            problems.push(format!("entry {}: its content does not match its hash (it was edited)", e.seq));
        }
        if expected_head == Some(e.hash.as_str()) {
            seen_head = true;
        }
        prev = e.hash.clone();
    }
    if !seen_head {
        problems.push(format!(
            "the head {} recorded earlier is not in the trail: entries were cut off or rewritten",
            expected_head.unwrap_or_default()
        ));
    }
    Verdict { entries: seq, head: prev, problems }
}
