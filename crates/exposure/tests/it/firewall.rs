//! Firewall configurations: iptables-save and the neutral CSV into rules, and rules into the
//! demo plant's conduits. Inputs are written for these tests (tests/data/firewall).

use std::path::PathBuf;

use exposure::firewall::{Ruleset, assign, csv, detect, iptables};
use model::{Action, Endpoint, PortRange, Protocol};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/firewall").join(name)
}

fn read_rules(name: &str) -> Result<Ruleset, exposure::firewall::FirewallError> {
    let bytes = std::fs::read(data(name)).unwrap();
    iptables::read(name, bytes.as_slice(), "FORWARD")
}

fn ids(rules: &[model::Rule]) -> Vec<&str> {
    rules.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn iptables_save_becomes_first_match_rules_with_their_lines() {
    let set = read_rules("fw-ot-01.rules").unwrap();
    assert_eq!(set.format, "iptables-save");
    assert_eq!(set.default, Action::Deny);
    // User chains are inlined where FORWARD jumps to them; the unconditional RETURN ends JUMP_HOST
    // (its SSH rule after it never applies); the jump's conditions carry into each inner rule.
    assert_eq!(
        ids(&set.rules),
        ["L28", "L29", "L30", "L33-1", "L33-2", "L34-1", "L34-2", "L23", "L24", "L26-1", "L26-2", "L27"]
    );
    let rdp = &set.rules[0];
    assert_eq!(rdp.from, Endpoint::Net("172.20.35.20/32".parse().unwrap()));
    assert_eq!(rdp.to, Endpoint::Net("10.130.3.0/24".parse().unwrap()));
    assert_eq!((rdp.protocol, rdp.ports.clone()), (Protocol::Tcp, vec![PortRange::single(3389)]));
    assert_eq!(rdp.description.as_deref(), Some("RDP from the jump host"));
    let src = rdp.source.as_ref().unwrap();
    assert_eq!((src.file.as_str(), src.line), ("fw-ot-01.rules", 28));
    assert!(src.text.starts_with("-A FORWARD -s 172.20.35.20/32 -j JUMP_HOST → -A JUMP_HOST"), "{}", src.text);
    // A comma list of sources is one rule per source; multiport keeps every port and range.
    assert_eq!(set.rules[3].from, Endpoint::Net("10.130.2.0/24".parse().unwrap()));
    assert_eq!(set.rules[4].from, Endpoint::Net("10.130.4.0/24".parse().unwrap()));
    assert_eq!(set.rules[3].ports.last(), Some(&PortRange { first: 49152, last: 65535 }));
    // An address range becomes the fewest CIDR blocks.
    assert_eq!(set.rules[9].from, Endpoint::Net("10.130.2.10/31".parse().unwrap()));
    assert_eq!(set.rules[10].from, Endpoint::Net("10.130.2.12/31".parse().unwrap()));
    let last = set.rules.last().unwrap();
    assert_eq!((last.from.clone(), last.to.clone(), last.action), (Endpoint::Any, Endpoint::Any, Action::Deny));
    // Return traffic (ESTABLISHED,RELATED) and the negated rule are left out; the negation is said.
    assert_eq!(set.skipped, 2);
    assert!(set.warnings.iter().any(|w| w.line == 25 && w.message.contains("negated")), "{:?}", set.warnings);
    assert_eq!(set.warnings.iter().filter(|w| w.message.starts_with("interface match")).count(), 1);
    // The nat table's DNAT is a port forward.
    assert_eq!(set.port_forwards.len(), 1);
    let pf = &set.port_forwards[0];
    assert_eq!((pf.line, pf.public_port, pf.port), (8, Some(5900), Some(5900)));
    assert_eq!(pf.address.to_string(), "10.130.50.11");
}

#[test]
fn rules_go_to_the_conduits_the_firewall_enforces_and_the_rest_is_reported() {
    let plant = demo::demo_plant().unwrap();
    let set = read_rules("fw-ot-01.rules").unwrap();
    let a = assign(&plant, Some("FW-OT-01"), &set).unwrap();
    let get = |c: &str| a.conduits.iter().find(|(id, _)| id == c).map(|(_, r)| ids(r)).unwrap();
    assert_eq!(get("idmz-site-ops"), ["L28", "L23", "L27"]);
    assert_eq!(get("idmz-control"), ["L29", "L27"]);
    assert_eq!(get("idmz-engineering"), ["L30", "L27"]);
    assert_eq!(get("site-ops-control"), ["L33-1", "L34-1", "L26-1", "L26-2", "L27"]);
    assert_eq!(get("site-ops-engineering"), ["L33-2", "L34-2", "L27"]);
    // Every conduit FW-OT-01 enforces is replaced, even those the configuration allows nothing on.
    let enforced = plant.conduits.iter().filter(|c| c.enforcement.name.as_deref() == Some("FW-OT-01")).count();
    assert_eq!(a.conduits.len(), enforced);
    assert_eq!(get("control-utilities"), ["L27"]);
    // Engineering → cell A is allowed by this firewall, but no conduit of FW-OT-01 joins them.
    assert_eq!(a.unassigned.len(), 1);
    let (r, from, to) = &a.unassigned[0];
    assert_eq!(
        (r.id.as_str(), from.as_slice(), to.as_slice()),
        ("L24", &["engineering".to_string()][..], &["cell-a".to_string()][..])
    );

    let e = assign(&plant, Some("FW-NOPE"), &set).unwrap_err();
    assert!(e.contains("FW-NOPE") && e.contains("FW-OT-01"), "{e}");
    assert!(assign(&plant, None, &set).unwrap_err().contains("--firewall"));
}

#[test]
fn the_neutral_csv_names_its_conduits() {
    let bytes = std::fs::read(data("fw-ot-01.csv")).unwrap();
    assert_eq!(detect(&bytes), "csv");
    assert_eq!(detect(&std::fs::read(data("fw-ot-01.rules")).unwrap()), "iptables-save");
    let set = csv::read("fw-ot-01.csv", bytes.as_slice()).unwrap();
    assert_eq!(set.rules.len(), 5);
    assert_eq!(set.rules[0].from, Endpoint::Asset("JUMP-01".into()));
    assert_eq!(set.rules[3].ports.len(), 9);
    assert_eq!(set.rules[4].action, Action::Deny);
    assert_eq!(set.rules[4].protocol, Protocol::Any);
    assert_eq!(set.rules[1].source.as_ref().unwrap().line, 3);
    let plant = demo::demo_plant().unwrap();
    let a = assign(&plant, None, &set).unwrap();
    let names: Vec<&str> = a.conduits.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(names, ["idmz-site-ops", "idmz-control", "site-ops-control"]);
    let mut unknown = set.clone();
    unknown.conduits[0] = Some("nope".into());
    assert!(assign(&plant, None, &unknown).unwrap_err().contains("`nope`"));
}

#[test]
fn bad_input_is_refused_with_file_and_line() {
    let e = csv::read("bad-port.csv", std::fs::read(data("bad-port.csv")).unwrap().as_slice()).unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("bad-port.csv", 3));
    assert!(e.message.contains("ports"), "{e}");
    let e = csv::read("x.csv", "from,to,colour\nany,any,red\n".as_bytes()).unwrap_err();
    assert!(e.message.contains("unknown column `colour`"), "{e}");
    let e = csv::read("x.csv", "from,to\nany,zone:\n".as_bytes()).unwrap_err();
    assert_eq!(e.line, 2);

    let e = read_rules("loop.rules").unwrap_err();
    assert_eq!(e.line, 7);
    assert!(e.message.contains("jumps back into itself"), "{e}");
    let e = read_rules("unterminated.rules").unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("unterminated"), "{e}");
    let e = read_rules("bad-cidr.rules").unwrap_err();
    assert!(e.message.contains("10.0.0.300/24"), "{e}");
    let e = iptables::read("x", "-A FORWARD -j ACCEPT\n".as_bytes(), "FORWARD").unwrap_err();
    assert!(e.message.contains("*table"), "{e}");
    let e = iptables::read("x", "".as_bytes(), "FORWARD").unwrap_err();
    assert!(e.message.contains("empty"), "{e}");
    let e = iptables::read("x", "*filter\n:INPUT DROP [0:0]\nCOMMIT\n".as_bytes(), "FORWARD").unwrap_err();
    assert!(e.message.contains("no chain `FORWARD`"), "{e}");
    let long = format!(
        "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m comment --comment \"{}\" -j ACCEPT\n",
        "x".repeat(1 << 20)
    );
    let e = iptables::read("x", long.as_bytes(), "FORWARD").unwrap_err();
    assert_eq!(e.line, 3);
    // Truncated mid-rule: the rule that is there is read, nothing panics.
    let cut = "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.0.0.0/8 -p tcp --dport";
    assert!(iptables::read("x", cut.as_bytes(), "FORWARD").unwrap_err().message.contains("needs a value"));
}

#[test]
fn a_policy_of_accept_is_an_allow_any_at_the_end_and_large_files_stream() {
    let mut text = String::from("*filter\n:FORWARD ACCEPT [0:0]\n");
    for i in 0..100_000u32 {
        text.push_str(&format!(
            "-A FORWARD -s 10.{}.{}.0/24 -d 10.200.0.{}/32 -p tcp -m tcp --dport 502 -j DROP\n",
            (i >> 8) & 255,
            i & 255,
            i % 250 + 1
        ));
    }
    text.push_str("COMMIT\n");
    let set = iptables::read("big", text.as_bytes(), "FORWARD").unwrap();
    assert_eq!(set.rules.len(), 100_001);
    assert_eq!(set.default, Action::Allow);
    let last = set.rules.last().unwrap();
    assert_eq!((last.action, last.source.as_ref().unwrap().line), (Action::Allow, 2));
    assert!(set.warnings.iter().any(|w| w.message.contains("accepts by default")));
}
