//! The neutral rule CSV: one rule per row, a header naming the columns (any order, any case):
//! `conduit` (optional), `id`, `from`, `to`, `protocol`, `ports`, `direction`, `action`,
//! `application`, `description`. Endpoints and values are spelled as in the plant file.

use std::io::BufRead;

use model::{Action, Direction, Endpoint, PortRange, Protocol};

use super::{FirewallError, Ruleset, rule_at};

const COLUMNS: [&str; 10] =
    ["conduit", "id", "from", "to", "protocol", "ports", "direction", "action", "application", "description"];

/// Reads the neutral CSV. A bad cell fails the whole file with its line and column.
pub fn read<R: BufRead>(name: &str, input: R) -> Result<Ruleset, FirewallError> {
    let err = |line: u64, message: String| FirewallError { file: name.to_string(), line: line as u32, message };
    let mut rdr =
        ::csv::ReaderBuilder::new().flexible(false).trim(::csv::Trim::All).comment(Some(b'#')).from_reader(input);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| err(1, format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.to_ascii_lowercase().replace([' ', '-'], "_"))
        .collect();
    for h in &header {
        if !COLUMNS.contains(&h.as_str()) {
            return Err(err(1, format!("unknown column `{h}`; the columns are: {}", COLUMNS.join(", "))));
        }
    }
    for need in ["from", "to"] {
        if !header.iter().any(|h| h == need) {
            return Err(err(1, format!("the header has no `{need}` column")));
        }
    }
    let col = |k: &str| header.iter().position(|h| h == k);
    let mut set = Ruleset {
        format: "csv",
        default: Action::Deny,
        rules: Vec::new(),
        conduits: Vec::new(),
        port_forwards: Vec::new(),
        warnings: Vec::new(),
        skipped: 0,
    };
    let mut record = ::csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(err(line, format!("malformed CSV: {e}")));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let cell = |k: &str| col(k).and_then(|i| record.get(i)).filter(|v| !v.is_empty());
        let bad = |k: &str, m: String| err(line, format!("column `{k}`: {m}"));
        let text: Vec<&str> = record.iter().collect();
        let id = cell("id").map_or_else(|| format!("L{line}"), str::to_string);
        if set.rules.iter().zip(&set.conduits).any(|(r, c)| r.id == id && c.as_deref() == cell("conduit")) {
            return Err(bad("id", format!("rule id `{id}` appears twice for the same conduit")));
        }
        let mut r = rule_at(name, line as u32, &text.join(","), id);
        let endpoint = |k: &str| -> Result<Endpoint, FirewallError> {
            let v = cell(k).ok_or_else(|| bad(k, "empty".into()))?;
            let e: Endpoint = v.parse().map_err(|m: String| bad(k, m))?;
            Ok(match e {
                Endpoint::Net(n) if n.prefix_len() == 0 => Endpoint::Any,
                e => e,
            })
        };
        r.from = endpoint("from")?;
        r.to = endpoint("to")?;
        r.protocol = match cell("protocol") {
            Some(p) => p.parse::<Protocol>().map_err(|e| bad("protocol", e.to_string()))?,
            None => Protocol::Tcp,
        };
        if let Some(p) = cell("ports") {
            let list = p.replace(';', ",");
            for part in list.split(',').map(str::trim).filter(|x| !x.is_empty()) {
                r.ports.push(part.parse::<PortRange>().map_err(|m| bad("ports", m))?);
            }
        }
        if !r.ports.is_empty() && matches!(r.protocol, Protocol::Icmp | Protocol::Ethernet | Protocol::Any) {
            return Err(bad("ports", format!("protocol {} takes no ports", r.protocol)));
        }
        r.direction = match cell("direction") {
            Some(d) => d.parse::<Direction>().map_err(|e| bad("direction", e.to_string()))?,
            None => Direction::OneWay,
        };
        r.action = match cell("action") {
            Some(a) => a.parse::<Action>().map_err(|e| bad("action", e.to_string()))?,
            None => Action::Allow,
        };
        r.application = cell("application").map(str::to_string);
        r.description = cell("description").map(str::to_string);
        set.conduits.push(cell("conduit").map(str::to_string));
        set.rules.push(r);
    }
    Ok(set)
}
