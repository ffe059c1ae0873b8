//! `iptables-save` / `ip6tables-save` output: the `filter` table's FORWARD chain (or another
//! named chain), with user chains inlined, into first-match rules; DNAT rules of the `nat` table
//! as port forwards.
//!
//! Understood: chain policies; `-s`/`-d` (comma lists), `-p`, `--dport`/`--dports` (tcp, udp,
//! multiport), `-m iprange --src-range/--dst-range`, `-m comment --comment`, `-m state --state` and
//! `-m conntrack --ctstate` (rules matching only ESTABLISHED/RELATED are return traffic and are
//! left out), `-j ACCEPT|DROP|REJECT`, jumps to user chains (inlined with the jump's conditions),
//! `-j RETURN` without conditions. Interfaces (`-i`/`-o`), source ports and rate limits do not
//! narrow the model: they are ignored with a warning. A negated match (`!`), a conditional
//! `RETURN`, `-g` and unknown matches cannot be expressed as a flat first-match list: such a rule
//! is left out with a warning naming its line — better a missing rule said out loud than an
//! invented one.

use std::collections::HashMap;
use std::io::BufRead;
use std::net::IpAddr;

use ipnet::IpNet;
use model::{Action, PortRange, Protocol, Rule};

use super::{FirewallError, PortForward, Ruleset, Warning, endpoint, rule_at};

const MAX_LINE: usize = 64 * 1024;
const MAX_DEPTH: usize = 16;
const MAX_EXPANSION: usize = 4096;

/// One `-A` line, parsed.
#[derive(Debug, Clone)]
struct Line {
    line: u32,
    text: String,
    cond: Cond,
    target: Target,
    comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Target {
    Accept,
    Drop,
    Return,
    Chain(String),
    /// Non-terminating or unsupported: the rule is left out.
    Skip(String),
}

/// The conditions of a rule: address blocks (empty = any), protocol, destination ports.
#[derive(Debug, Clone, Default, PartialEq)]
struct Cond {
    src: Vec<IpNet>,
    dst: Vec<IpNet>,
    proto: Option<Protocol>,
    ports: Option<Vec<PortRange>>,
}

fn nets_meet(a: &[IpNet], b: &[IpNet]) -> Option<Vec<IpNet>> {
    if a.is_empty() {
        return Some(b.to_vec());
    }
    if b.is_empty() {
        return Some(a.to_vec());
    }
    let mut out = Vec::new();
    for x in a {
        for y in b {
            if x.contains(y) {
                out.push(*y);
            } else if y.contains(x) {
                out.push(*x);
            }
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

impl Cond {
    /// Both conditions at once; `None` when nothing can match both.
    fn and(&self, o: &Cond) -> Option<Cond> {
        let proto = match (self.proto, o.proto) {
            (Some(a), Some(b)) if a != b => return None,
            (a, b) => a.or(b),
        };
        let ports = match (&self.ports, &o.ports) {
            (Some(a), Some(b)) => {
                let mut out = Vec::new();
                for x in a {
                    for y in b {
                        let (f, l) = (x.first.max(y.first), x.last.min(y.last));
                        if f <= l {
                            out.push(PortRange { first: f, last: l });
                        }
                    }
                }
                if out.is_empty() {
                    return None;
                }
                Some(out)
            }
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        Some(Cond { src: nets_meet(&self.src, &o.src)?, dst: nets_meet(&self.dst, &o.dst)?, proto, ports })
    }
}

/// Splits a line into words the way iptables-save quotes them (`"…"` with `\"` and `\\`).
fn words(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    let mut quoted = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            '\\' if quoted => match chars.next() {
                Some(n) => cur.push(n),
                None => return Err("a backslash at the end of the line".into()),
            },
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err("an unterminated quoted string".into());
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

fn protocol(p: &str) -> Result<Option<Protocol>, String> {
    Ok(match p.to_ascii_lowercase().as_str() {
        "tcp" | "6" => Some(Protocol::Tcp),
        "udp" | "17" => Some(Protocol::Udp),
        "icmp" | "1" | "icmpv6" | "ipv6-icmp" | "58" => Some(Protocol::Icmp),
        "all" | "0" => None,
        other => return Err(format!("protocol `{other}` is not modelled (tcp, udp, icmp, all)")),
    })
}

fn port_list(v: &str) -> Result<Vec<PortRange>, String> {
    v.split(',')
        .map(|p| {
            let bad = || format!("`{p}` is not a port or FIRST:LAST range");
            let (a, b) = p.split_once(':').unwrap_or((p, p));
            let a: u16 = if a.is_empty() { 0 } else { a.parse().map_err(|_| bad())? };
            let b: u16 = if b.is_empty() { 65535 } else { b.parse().map_err(|_| bad())? };
            if a > b {
                return Err(format!("port range `{p}` runs backwards"));
            }
            Ok(PortRange { first: a, last: b })
        })
        .collect()
}

fn nets(v: &str) -> Result<Vec<IpNet>, String> {
    v.split(',')
        .map(|a| {
            a.parse::<IpNet>()
                .map(|n| n.trunc())
                .or_else(|_| a.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{a}` is not an address or CIDR block"))
        })
        .collect()
}

/// `A-B` into the fewest CIDR blocks covering exactly that range.
fn range_nets(v: &str) -> Result<Vec<IpNet>, String> {
    let (a, b) = v.split_once('-').ok_or_else(|| format!("`{v}` is not an address range A-B"))?;
    let (a, b): (IpAddr, IpAddr) = (
        a.parse().map_err(|_| format!("`{a}` is not an address"))?,
        b.parse().map_err(|_| format!("`{b}` is not an address"))?,
    );
    let (lo, hi, bits, v4) = match (a, b) {
        (IpAddr::V4(x), IpAddr::V4(y)) => (u128::from(u32::from(x)), u128::from(u32::from(y)), 32u32, true),
        (IpAddr::V6(x), IpAddr::V6(y)) => (u128::from(x), u128::from(y), 128, false),
        _ => return Err(format!("`{v}` mixes IPv4 and IPv6")),
    };
    if lo > hi {
        return Err(format!("address range `{v}` runs backwards"));
    }
    let mut out = Vec::new();
    let mut cur = lo;
    loop {
        // The largest aligned block starting at `cur` that stays within `hi`.
        let mut size: u32 = if cur == 0 { bits } else { cur.trailing_zeros().min(bits) };
        while size > 0 && (size >= 128 || cur.checked_add((1u128 << size) - 1).is_none_or(|end| end > hi)) {
            size -= 1;
        }
        let prefix = (bits - size) as u8;
        let net = if v4 {
            IpNet::new(IpAddr::V4(std::net::Ipv4Addr::from(cur as u32)), prefix)
        } else {
            IpNet::new(IpAddr::V6(std::net::Ipv6Addr::from(cur)), prefix)
        }
        .map_err(|e| e.to_string())?;
        out.push(net);
        if out.len() > 256 {
            return Err(format!("address range `{v}` needs more than 256 CIDR blocks"));
        }
        let step = if size >= 128 { u128::MAX } else { 1u128 << size };
        match cur.checked_add(step) {
            Some(n) if n <= hi && n > cur => cur = n,
            _ => break,
        }
    }
    Ok(out)
}

/// Parses the words after `-A CHAIN`. `Ok(None)` with a warning pushed: the rule is left out.
fn parse_rule(
    args: &[String],
    line: u32,
    warn: &mut dyn FnMut(u32, String),
) -> Result<Option<(Cond, Target, Option<String>)>, String> {
    let mut cond = Cond::default();
    let mut target = None;
    let mut comment = None;
    let mut states: Option<Vec<String>> = None;
    let mut i = 0;
    let value = |i: usize| args.get(i + 1).map(String::as_str).ok_or_else(|| format!("`{}` needs a value", args[i]));
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "!" => {
                warn(
                    line,
                    format!(
                        "a negated match (`! {}`) cannot be modelled; the rule is left out",
                        args.get(i + 1).map_or("", String::as_str)
                    ),
                );
                return Ok(None);
            }
            "-s" | "--source" | "--src" => {
                cond.src = nets(value(i)?)?;
                i += 2;
            }
            "-d" | "--destination" | "--dst" => {
                cond.dst = nets(value(i)?)?;
                i += 2;
            }
            "-p" | "--protocol" => {
                cond.proto = protocol(value(i)?)?;
                i += 2;
            }
            "-i" | "--in-interface" | "-o" | "--out-interface" => {
                warn(line, format!("interface match `{a} {}` ignored: zones are matched by address", value(i)?));
                i += 2;
            }
            "-m" | "--match" => {
                match value(i)? {
                    "tcp" | "udp" | "multiport" | "comment" | "state" | "conntrack" | "iprange" | "icmp" | "icmp6"
                    | "limit" => {}
                    other => {
                        warn(line, format!("match module `{other}` is not understood; the rule is left out"));
                        return Ok(None);
                    }
                }
                i += 2;
            }
            "--dport" | "--destination-port" | "--dports" | "--destination-ports" => {
                cond.ports = Some(port_list(value(i)?)?);
                i += 2;
            }
            "--sport" | "--source-port" | "--sports" | "--source-ports" => {
                warn(
                    line,
                    format!("source ports `{}` are not modelled; the rule is kept for every source port", value(i)?),
                );
                i += 2;
            }
            "--src-range" => {
                cond.src = range_nets(value(i)?)?;
                i += 2;
            }
            "--dst-range" => {
                cond.dst = range_nets(value(i)?)?;
                i += 2;
            }
            "--comment" => {
                comment = Some(value(i)?.to_string());
                i += 2;
            }
            "--state" | "--ctstate" => {
                states = Some(value(i)?.split(',').map(|s| s.to_ascii_uppercase()).collect());
                i += 2;
            }
            "--icmp-type" | "--icmpv6-type" | "--limit" | "--limit-burst" => i += 2,
            "-j" | "--jump" => {
                let t = value(i)?;
                target = Some(match t {
                    "ACCEPT" => Target::Accept,
                    "DROP" | "REJECT" => Target::Drop,
                    "RETURN" => Target::Return,
                    "LOG" | "NFLOG" | "ULOG" | "MARK" | "CONNMARK" | "NOTRACK" | "CT" | "TCPMSS" | "AUDIT" => {
                        Target::Skip(t.to_string())
                    }
                    // A user chain, or a target of another table (DNAT, …): `inline` tells them apart.
                    c => Target::Chain(c.to_string()),
                });
                i += 2;
                // Target options (`--reject-with`, `--log-prefix "…"`) follow the target.
                while i < args.len() && args[i].starts_with("--") {
                    i += 2;
                }
            }
            "-g" | "--goto" => {
                warn(line, format!("`-g {}` (goto) cannot be modelled; the rule is left out", value(i)?));
                return Ok(None);
            }
            other if other.starts_with('-') => {
                warn(line, format!("option `{other}` is not understood; the rule is left out"));
                return Ok(None);
            }
            other => return Err(format!("unexpected word `{other}`")),
        }
    }
    if let Some(st) = states
        && !st.iter().any(|s| s == "NEW" || s == "UNTRACKED")
    {
        return Ok(Some((cond, Target::Skip("return traffic (ESTABLISHED/RELATED)".into()), comment)));
    }
    let target = target.unwrap_or(Target::Skip("no target".into()));
    Ok(Some((cond, target, comment)))
}

/// Reads `iptables-save` output. `chain` is the chain that governs traffic between zones
/// (`FORWARD` unless the firewall filters elsewhere).
pub fn read<R: BufRead>(name: &str, mut input: R, chain: &str) -> Result<Ruleset, FirewallError> {
    let err = |line: u32, message: String| FirewallError { file: name.to_string(), line, message };
    let mut table = String::new();
    let mut chains: HashMap<String, Vec<Line>> = HashMap::new();
    let mut policies: HashMap<String, (Action, u32, String)> = HashMap::new();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut port_forwards = Vec::new();
    let mut skipped = 0usize;
    let mut buf = Vec::new();
    let mut n: u32 = 0;
    let mut warned_interfaces = false;
    loop {
        buf.clear();
        let got = std::io::Read::take(&mut input, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| err(n + 1, e.to_string()))?;
        if got == 0 {
            break;
        }
        n += 1;
        if buf.len() > MAX_LINE {
            return Err(err(n, format!("line longer than {MAX_LINE} bytes")));
        }
        let text = std::str::from_utf8(&buf).map_err(|_| err(n, "not UTF-8 text".into()))?.trim();
        if text.is_empty() || text.starts_with('#') || text == "COMMIT" {
            continue;
        }
        if let Some(t) = text.strip_prefix('*') {
            table = t.trim().to_string();
            continue;
        }
        if table.is_empty() {
            return Err(err(n, "a line before any `*table` header: not iptables-save output".into()));
        }
        if let Some(rest) = text.strip_prefix(':') {
            let mut parts = rest.split_whitespace();
            let (Some(c), Some(p)) = (parts.next(), parts.next()) else {
                return Err(err(n, "a chain line needs a name and a policy (`:FORWARD DROP [0:0]`)".into()));
            };
            if table == "filter" {
                let action = match p {
                    "ACCEPT" => Action::Allow,
                    "DROP" | "REJECT" | "-" => Action::Deny,
                    other => return Err(err(n, format!("unknown chain policy `{other}`"))),
                };
                policies.insert(c.to_string(), (action, n, text.to_string()));
                chains.entry(c.to_string()).or_default();
            }
            continue;
        }
        let w = words(text).map_err(|m| err(n, m))?;
        if w.first().map(String::as_str) != Some("-A") || w.len() < 2 {
            return Err(err(
                n,
                format!(
                    "expected `-A CHAIN …`, `:CHAIN POLICY`, `*table` or `COMMIT`, found `{}`",
                    w.first().map_or("", String::as_str)
                ),
            ));
        }
        let chain_name = w[1].clone();
        if table == "nat" {
            if let Some(pf) = dnat(&w[2..], n) {
                port_forwards.push(pf);
            }
            continue;
        }
        if table != "filter" {
            continue;
        }
        let mut line_warnings = Vec::new();
        let parsed = parse_rule(&w[2..], n, &mut |l, m| line_warnings.push(Warning { line: l, message: m }))
            .map_err(|m| err(n, m))?;
        for wn in line_warnings {
            let interface = wn.message.starts_with("interface match");
            if interface && warned_interfaces {
                continue;
            }
            warned_interfaces |= interface;
            warnings.push(wn);
        }
        match parsed {
            Some((cond, target, comment)) => chains.entry(chain_name).or_default().push(Line {
                line: n,
                text: text.to_string(),
                cond,
                target,
                comment,
            }),
            None => skipped += 1,
        }
    }
    if n == 0 {
        return Err(err(0, "the file is empty".into()));
    }
    if !chains.contains_key(chain) {
        return Err(err(n, format!("the filter table has no chain `{chain}`")));
    }
    let mut rules = Vec::new();
    let mut stack = Vec::new();
    let mut counters = (0usize, skipped, std::collections::HashSet::new());
    inline(name, &chains, chain, &Cond::default(), &mut stack, None, &mut rules, &mut warnings, &mut counters)?;
    let default = policies.get(chain).map_or(Action::Deny, |p| p.0);
    if let Some((Action::Allow, line, text)) = policies.get(chain) {
        warnings.push(Warning {
            line: *line,
            message: format!("chain {chain} accepts by default: everything no rule drops passes"),
        });
        let mut r = rule_at(name, *line, text, format!("L{line}"));
        r.description = Some("chain policy ACCEPT".into());
        rules.push(r);
    }
    Ok(Ruleset {
        format: "iptables-save",
        default,
        conduits: vec![None; rules.len()],
        rules,
        port_forwards,
        warnings,
        skipped: counters.1,
    })
}

/// Inlines `chain` under the conditions of the jumps that led to it.
#[allow(clippy::too_many_arguments)]
fn inline(
    name: &str,
    chains: &HashMap<String, Vec<Line>>,
    chain: &str,
    outer: &Cond,
    stack: &mut Vec<String>,
    via: Option<&str>,
    out: &mut Vec<Rule>,
    warnings: &mut Vec<Warning>,
    counters: &mut (usize, usize, std::collections::HashSet<String>),
) -> Result<(), FirewallError> {
    let Some(lines) = chains.get(chain) else { return Ok(()) };
    stack.push(chain.to_string());
    for l in lines {
        let err = |message: String| FirewallError { file: name.to_string(), line: l.line, message };
        let Some(cond) = outer.and(&l.cond) else { continue };
        let text = match via {
            Some(v) => format!("{v} → {}", l.text),
            None => l.text.clone(),
        };
        match &l.target {
            Target::Accept | Target::Drop => {
                let combos = cond.src.len().max(1) * cond.dst.len().max(1);
                if combos > MAX_EXPANSION {
                    return Err(err(format!(
                        "the rule expands into {combos} address combinations (more than {MAX_EXPANSION})"
                    )));
                }
                let srcs: Vec<Option<IpNet>> =
                    if cond.src.is_empty() { vec![None] } else { cond.src.iter().copied().map(Some).collect() };
                let dsts: Vec<Option<IpNet>> =
                    if cond.dst.is_empty() { vec![None] } else { cond.dst.iter().copied().map(Some).collect() };
                let mut k = 0;
                for s in &srcs {
                    for d in &dsts {
                        k += 1;
                        let id = if combos == 1 { format!("L{}", l.line) } else { format!("L{}-{k}", l.line) };
                        // A chain jumped to twice yields the same line twice: keep ids unique.
                        let id = if counters.2.contains(&id) { format!("{id}.{}", out.len()) } else { id };
                        counters.2.insert(id.clone());
                        let mut r: Rule = rule_at(name, l.line, &text, id);
                        r.from = s.map_or(model::Endpoint::Any, endpoint);
                        r.to = d.map_or(model::Endpoint::Any, endpoint);
                        r.protocol = cond.proto.unwrap_or(Protocol::Any);
                        r.ports = cond.ports.clone().unwrap_or_default();
                        if !r.ports.is_empty() && r.protocol == Protocol::Any {
                            return Err(err("destination ports without `-p tcp` or `-p udp`".into()));
                        }
                        r.action = if l.target == Target::Accept { Action::Allow } else { Action::Deny };
                        r.description = l.comment.clone();
                        out.push(r);
                    }
                }
            }
            Target::Return => {
                if l.cond == Cond::default() {
                    break;
                }
                warnings.push(Warning {
                    line: l.line,
                    message: "a conditional RETURN cannot be modelled as a flat rule list; it is ignored, so later rules of the chain also apply to the traffic it would have returned".into(),
                });
                counters.1 += 1;
            }
            Target::Chain(c) => {
                if !chains.contains_key(c) {
                    warnings.push(Warning {
                        line: l.line,
                        message: format!(
                            "target `{c}` is neither a verdict nor a chain of the filter table; the rule is left out"
                        ),
                    });
                    counters.1 += 1;
                    continue;
                }
                if stack.iter().any(|s| s == c) {
                    return Err(err(format!("chain `{c}` jumps back into itself ({} → {c})", stack.join(" → "))));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err(format!("user chains nest deeper than {MAX_DEPTH}")));
                }
                inline(name, chains, c, &cond, stack, Some(&text), out, warnings, counters)?;
            }
            Target::Skip(why) => {
                if !matches!(why.as_str(), "LOG" | "NFLOG" | "ULOG" | "AUDIT") {
                    counters.1 += 1;
                }
            }
        }
    }
    stack.pop();
    Ok(())
}

/// A `-j DNAT --to-destination A[:P]` rule of the nat table as a port forward.
fn dnat(args: &[String], line: u32) -> Option<PortForward> {
    let mut public_address = None;
    let mut public_port = None;
    let mut proto = Protocol::Tcp;
    let mut to = None;
    let mut i = 0;
    let mut is_dnat = false;
    while i < args.len() {
        let v = args.get(i + 1).map(String::as_str);
        match args[i].as_str() {
            "-d" | "--destination" => public_address = v.and_then(|x| x.split('/').next()).and_then(|x| x.parse().ok()),
            "-p" | "--protocol" => proto = v.and_then(|p| protocol(p).ok().flatten()).unwrap_or(Protocol::Any),
            "--dport" | "--destination-port" => public_port = v.and_then(|p| p.parse().ok()),
            "-j" | "--jump" => is_dnat = v == Some("DNAT"),
            "--to-destination" | "--to" => to = v.map(str::to_string),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    let to = to.filter(|_| is_dnat)?;
    let (addr, port) = match to.rsplit_once(':') {
        Some((a, p)) if !a.contains(':') || a.starts_with('[') => {
            (a.trim_matches(['[', ']']).to_string(), p.split('-').next().and_then(|p| p.parse().ok()))
        }
        _ => (to.clone(), None),
    };
    Some(PortForward { line, public_address, public_port, protocol: proto, address: addr.parse().ok()?, port })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_become_the_fewest_blocks() {
        let got: Vec<String> = range_nets("10.0.0.1-10.0.0.6").unwrap().iter().map(|n| n.to_string()).collect();
        assert_eq!(got, ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]);
        let all: Vec<String> = range_nets("10.0.0.0-10.0.0.255").unwrap().iter().map(|n| n.to_string()).collect();
        assert_eq!(all, ["10.0.0.0/24"]);
        assert!(range_nets("10.0.0.9-10.0.0.1").is_err());
    }

    #[test]
    fn words_follow_iptables_save_quoting() {
        assert_eq!(words(r#"-A X -m comment --comment "say \"hi\"" -j ACCEPT"#).unwrap()[5], r#"say "hi""#);
        assert!(words(r#"-A X --comment "open"#).is_err());
    }
}
