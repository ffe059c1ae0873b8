//! `maven`: the ordering of Maven's `ComparableVersion`, reimplemented from its documented
//! behaviour.
//!
//! The lower-cased version is split into items at `.` and `-` and at every change between
//! digits and letters. A `-`, and a change between digits and letters, opens a nested list:
//! `1.0-alpha-1` is `[1, 0, [alpha, [1]]]`. An empty part is `0`. Each list then loses its
//! trailing "null" items (`0`, the release qualifier, empty lists) up to the last non-list item.
//! Qualifiers `alpha` < `beta` < `milestone` < `rc` (= `cr`) < `snapshot` < release (``,
//! `ga`, `final`, `release`) < `sp` < any other word (alphabetically); a single `a`, `b`, `m`
//! right before a digit means `alpha`, `beta`, `milestone`. Numbers are greater than words and
//! lists; lists are greater than words. A missing item compares as described for "null".

use std::cmp::Ordering;

use super::VersError;

#[derive(Debug, Clone)]
enum Item {
    /// Digits without leading zeros.
    Int(String),
    /// The qualifier after aliasing (`ga` → ``, `cr` → `rc`, …).
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_INDEX: usize = 5;

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(d) => d.is_empty(),
            Item::Str(s) => s.is_empty(),
            Item::List(l) => l.is_empty(),
        }
    }
}

fn int_item(digits: &str) -> Item {
    Item::Int(digits.trim_start_matches('0').to_string())
}

fn str_item(word: &str, followed_by_digit: bool) -> Item {
    let w = if followed_by_digit && word.chars().count() == 1 {
        match word {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            other => other,
        }
    } else {
        word
    };
    let w = match w {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Str(w.to_string())
}

/// Sort key of a qualifier: known qualifiers by index, then any other word after all of them.
fn qualifier_rank(s: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|q| *q == s) {
        Some(i) => (i, ""),
        None => (QUALIFIERS.len(), s),
    }
}

fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// Nesting deeper than this is refused (comparison and drop are recursive).
const MAX_DEPTH: usize = 256;

fn parse(version: &str) -> Result<Item, VersError> {
    let v = version.to_lowercase();
    // The current list is the last of `stack`; closing happens only at the end.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0usize; // byte offset
    let part = |from: usize, to: usize| v.get(from..to).unwrap_or("");
    let push = |stack: &mut Vec<Vec<Item>>, item: Item| {
        if let Some(top) = stack.last_mut() {
            top.push(item);
        }
    };
    for (i, c) in v.char_indices() {
        if stack.len() > MAX_DEPTH {
            return Err(super::bad_version("maven", version, "too deeply nested"));
        }
        if c == '.' {
            let item = if i == start { Item::Int(String::new()) } else { make(part(start, i), is_digit, false) };
            push(&mut stack, item);
            start = i + 1;
        } else if c == '-' {
            let item = if i == start { Item::Int(String::new()) } else { make(part(start, i), is_digit, false) };
            push(&mut stack, item);
            start = i + 1;
            stack.push(Vec::new());
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                push(&mut stack, str_item(part(start, i), true));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                push(&mut stack, int_item(part(start, i)));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = false;
        }
    }
    if v.len() > start {
        push(&mut stack, make(part(start, v.len()), is_digit, false));
    }
    while stack.len() > 1 {
        let mut inner = stack.pop().unwrap_or_default();
        normalize(&mut inner);
        push(&mut stack, Item::List(inner));
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    Ok(Item::List(root))
}

fn make(s: &str, is_digit: bool, followed_by_digit: bool) -> Item {
    if is_digit { int_item(s) } else { str_item(s, followed_by_digit) }
}

fn cmp_int(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `a` compared with a missing item.
fn cmp_null(a: &Item) -> Ordering {
    match a {
        Item::Int(d) => {
            if d.is_empty() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        Item::Str(s) => qualifier_rank(s).cmp(&(RELEASE_INDEX, "")),
        Item::List(l) => l.first().map_or(Ordering::Equal, cmp_null),
    }
}

fn cmp_item(a: &Item, b: &Item) -> Ordering {
    match (a, b) {
        (Item::Int(x), Item::Int(y)) => cmp_int(x, y),
        (Item::Int(_), _) => Ordering::Greater,
        (Item::Str(_), Item::Int(_)) => Ordering::Less,
        (Item::Str(x), Item::Str(y)) => qualifier_rank(x).cmp(&qualifier_rank(y)),
        (Item::Str(_), Item::List(_)) => Ordering::Less,
        (Item::List(_), Item::Int(_)) => Ordering::Less,
        (Item::List(_), Item::Str(_)) => Ordering::Greater,
        (Item::List(x), Item::List(y)) => {
            for i in 0..x.len().max(y.len()) {
                let o = match (x.get(i), y.get(i)) {
                    (Some(l), Some(r)) => cmp_item(l, r),
                    (Some(l), None) => cmp_null(l),
                    (None, Some(r)) => cmp_null(r).reverse(),
                    (None, None) => Ordering::Equal,
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        }
    }
}

pub(super) fn compare(a: &str, b: &str) -> Result<Ordering, VersError> {
    for v in [a, b] {
        if v.trim().is_empty() {
            return Err(super::bad_version("maven", v, "empty"));
        }
    }
    Ok(cmp_item(&parse(a)?, &parse(b)?))
}
