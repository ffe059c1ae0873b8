//! What changes when a plant replaces another: the report of a re-import.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plant::{Asset, Plant};

/// The kinds of record a plant holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    Site,
    Zone,
    Conduit,
    EntryPoint,
    Asset,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Site => "site",
            RecordKind::Zone => "zone",
            RecordKind::Conduit => "conduit",
            RecordKind::EntryPoint => "entry point",
            RecordKind::Asset => "asset",
        }
    }
}

/// One record's change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub kind: RecordKind,
    pub id: String,
}

/// Added, changed and removed records, each list sorted by kind then id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlantDiff {
    pub added: Vec<Change>,
    pub changed: Vec<Change>,
    pub removed: Vec<Change>,
    pub unchanged: usize,
}

impl PlantDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// Counts per kind as `(kind, added, changed, removed)`, for one-line summaries.
    pub fn counts(&self) -> Vec<(RecordKind, usize, usize, usize)> {
        let mut m: BTreeMap<RecordKind, (usize, usize, usize)> = BTreeMap::new();
        for c in &self.added {
            m.entry(c.kind).or_default().0 += 1;
        }
        for c in &self.changed {
            m.entry(c.kind).or_default().1 += 1;
        }
        for c in &self.removed {
            m.entry(c.kind).or_default().2 += 1;
        }
        m.into_iter().map(|(k, (a, c, r))| (k, a, c, r)).collect()
    }

    fn sort(&mut self) {
        self.added.sort();
        self.changed.sort();
        self.removed.sort();
    }
}

fn diff_records<T: PartialEq>(
    out: &mut PlantDiff,
    kind: RecordKind,
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> &str,
    removable: impl Fn(&T) -> bool,
) {
    let old_by_id: BTreeMap<&str, &T> = old.iter().map(|r| (id(r), r)).collect();
    let new_by_id: BTreeMap<&str, &T> = new.iter().map(|r| (id(r), r)).collect();
    for (k, n) in &new_by_id {
        let change = Change { kind, id: (*k).to_string() };
        match old_by_id.get(k) {
            None => out.added.push(change),
            Some(o) if *o != *n => out.changed.push(change),
            Some(_) => out.unchanged += 1,
        }
    }
    for (k, o) in &old_by_id {
        if !new_by_id.contains_key(k) && removable(o) {
            out.removed.push(Change { kind, id: (*k).to_string() });
        }
    }
}

/// The changes that importing `new` over `old` makes. Assets that came from another source
/// (a CSV inventory) are never removed by a plant import; they are only updated when the plant
/// names them.
pub fn plant_diff(old: &Plant, new: &Plant) -> PlantDiff {
    let mut d = PlantDiff::default();
    diff_records(&mut d, RecordKind::Site, &old.sites, &new.sites, |r| &r.id, |_| true);
    diff_records(&mut d, RecordKind::Zone, &old.zones, &new.zones, |r| &r.id, |_| true);
    diff_records(&mut d, RecordKind::Conduit, &old.conduits, &new.conduits, |r| &r.id, |_| true);
    diff_records(&mut d, RecordKind::EntryPoint, &old.entry_points, &new.entry_points, |r| &r.id, |_| true);
    diff_records(
        &mut d,
        RecordKind::Asset,
        &old.assets,
        &new.assets,
        |r: &Asset| &r.id,
        |r| r.origin == crate::values::Origin::PlantFile,
    );
    d.sort();
    d
}

/// The changes that upserting `incoming` assets (no removals) makes over `old`.
pub fn asset_upsert_diff(old: &[Asset], incoming: &[Asset]) -> PlantDiff {
    let mut d = PlantDiff::default();
    diff_records(&mut d, RecordKind::Asset, old, incoming, |r: &Asset| &r.id, |_| false);
    d.sort();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{AssetKind, Origin};

    #[test]
    fn added_changed_removed_and_foreign_assets_kept() {
        let mut old = Plant::default();
        old.assets.push(Asset::new("A", "a", "z", AssetKind::Plc));
        old.assets.push(Asset::new("B", "b", "z", AssetKind::Hmi));
        let mut csv = Asset::new("C", "c", "z", AssetKind::Unknown);
        csv.origin = Origin::Csv;
        old.assets.push(csv);

        let mut new = Plant::default();
        new.assets.push(Asset::new("A", "a renamed", "z", AssetKind::Plc));
        new.assets.push(Asset::new("D", "d", "z", AssetKind::Rtu));
        let d = plant_diff(&old, &new);
        let ids = |v: &[Change]| v.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&d.added), ["D"]);
        assert_eq!(ids(&d.changed), ["A"]);
        assert_eq!(ids(&d.removed), ["B"]);
        assert!(plant_diff(&new, &new).is_empty());
    }
}
