//! Why a decision changed: the reasons recorded in the decision history, from the inputs a
//! finding was last decided on and the ones it is decided on now. Pure.

use crate::{Decision, Priority};

/// What was stored about a finding's last decision: its priority and inputs by name (value,
/// source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prior<'a> {
    pub priority: Priority,
    pub inputs: Vec<(&'a str, &'a str, &'a str)>,
    pub deadline: time::Date,
}

/// The reasons a decision differs from the prior one, most telling first; empty when neither the
/// priority, nor the deadline, nor any input value changed (a source may have been reworded).
pub fn reasons(prior: Option<&Prior<'_>>, now: &Decision) -> Vec<String> {
    let Some(prior) = prior else {
        return vec![format!("new finding, decided {}", now.priority)];
    };
    let old = |name: &str| prior.inputs.iter().find(|(n, _, _)| *n == name).map(|(_, v, _)| *v);
    let old_source = |name: &str| prior.inputs.iter().find(|(n, _, _)| *n == name).map_or("", |(_, _, s)| *s);
    let mut out = Vec::new();
    for (name, input) in now.inputs.named() {
        if name == "human-impact" || name == "epss" {
            continue; // derived from safety × mission; EPSS is not an input of the tree
        }
        let before = old(name).unwrap_or("unknown");
        if before == input.value {
            continue;
        }
        let assumed = if input.assumed { ", assumed" } else { "" };
        out.push(match name {
            "exploitation" if input.value == "active" && input.source.starts_with("CISA KEV") => {
                format!("new KEV entry: exploitation {before} → active ({})", input.source)
            }
            "exploitation" => format!("exploitation {before} → {} ({}{assumed})", input.value, input.source),
            "system-exposure" if mentions_control(&input.source) && !mentions_control(old_source(name)) => {
                format!("control applied: exposure {before} → {} ({})", input.value, input.source)
            }
            "system-exposure" if mentions_control(old_source(name)) && !mentions_control(&input.source) => format!(
                "control no longer applies (expired, removed or drifted; it said: {}): exposure {before} → {} ({})",
                old_source(name),
                input.value,
                input.source
            ),
            "system-exposure" => format!("exposure change: {before} → {} ({})", input.value, input.source),
            "automatable" | "technical-impact" => {
                format!("intelligence revision: {name} {before} → {} ({}{assumed})", input.value, input.source)
            }
            _ => format!("asset impact change: {name} {before} → {}{assumed}", input.value),
        });
    }
    if out.is_empty() && prior.priority != now.priority {
        out.push(format!("decision policy or table change: {} → {}", prior.priority, now.priority));
    }
    if out.is_empty() && prior.deadline != now.deadline {
        out.push(format!("deadline policy change: {} → {}", prior.deadline, now.deadline));
    }
    out
}

/// The reason recorded when a finding leaves the list.
pub fn closed() -> String {
    "finding closed or no longer matched".to_string()
}

fn mentions_control(source: &str) -> bool {
    source.starts_with("neutralised by control ") || source.contains("by network control(s) ")
}
