//! Hostile and damaged input: the reader reports problems and never panics.

use inventory::{read_plant, write_plant};

fn must_not_panic(name: &str, text: &str) -> Result<model::Plant, inventory::PlantFileErrors> {
    match std::panic::catch_unwind(|| read_plant(name, text)) {
        Ok(outcome) => outcome,
        Err(_) => panic!("read_plant panicked on {name}"),
    }
}

#[test]
fn truncated_at_every_37th_byte() {
    let small = crate::fixture("data/small-plant.toml");
    // A slice of the hand-built plant: every kind of record, small enough to cut 37 bytes at a time.
    let mut medium = crate::roundtrip::hand_built();
    medium.conduits.truncate(3);
    medium.assets.truncate(30);
    let medium = write_plant(&medium);
    for text in [small, medium] {
        let mut tried = 0;
        for cut in (0..text.len()).step_by(37) {
            // Cut at the next character boundary so the prefix is still text.
            let at = (cut..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
            let prefix = &text[..at];
            if let Err(e) = must_not_panic(&format!("prefix of {at} bytes"), prefix) {
                assert!(!e.errors.is_empty());
                for err in &e.errors {
                    assert!(err.line >= 1 && err.column >= 1, "{err}");
                    assert!(err.line <= prefix.lines().count() + 1, "{err} is past the end");
                }
            }
            tried += 1;
        }
        assert!(tried > 50);
    }
}

#[test]
fn byte_mutations() {
    // A small deterministic generator: no dependency, the same cases every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let base = crate::fixture("data/small-plant.toml").into_bytes();
    let alphabet = b"[]{}=\",.'\n#0123456789-:x \t\\";
    for _ in 0..400 {
        let mut bytes = base.clone();
        for _ in 0..(next() % 6 + 1) {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize];
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = must_not_panic("mutated", &text);
    }
}

#[test]
fn nasty_values() {
    let cases = [
        "format = \"patchwise-plant/1\"\n[[site]]\nid = 99999999999999999999999999999999999999999999\n",
        "format = \"patchwise-plant/1\"\n[[asset]]\nid = \"a\"\nzone = \"z\"\nkind = \"plc\"\n[[asset.service]]\nport = 0xffffffffffffffffffffffffffffffffff\n",
        "format = \"patchwise-plant/1\"\n[[zone]]\nid = \"z\"\nname = \"z\"\npurdue = 1e400\ntarget_sl = [1,2,3,4,5,6,7,8]\n",
        "format = \"patchwise-plant/1\"\n[[zone]]\nid = \"z\"\nname = \"z\"\npurdue = nan\ntarget_sl = -1\n",
        "format = \"patchwise-plant/1\"\n[[zone]]\nid = \"z\"\nname = \"z\"\npurdue = -inf\nsubnets = [[], {}, 1, \"::/0\", \"0.0.0.0/0\"]\n",
        "format = \"patchwise-plant/1\"\nsite = 1\nzone = \"x\"\nconduit = [1, \"a\", true]\nentry_point = {}\nasset = []\n",
        "format = \"patchwise-plant/1\"\n[[conduit]]\nid = \"\"\nzones = [1, 2]\n[[conduit.rule]]\nfrom = \"zone:\"\nto = \"asset:\"\nports = \"all\"\n",
        "format = \"patchwise-plant/1\"\n[[asset]]\nid = \"a\"\nend_of_life = 1979-05-27T07:32:00Z\ncertified_baseline = 5\ncomponent = [{cpe = \"cpe:2.3:\\\\:\"}]\n",
        "format = 1\n",
        "format = \"patchwise-plant/1\"\n[[entry_point]]\nid = \"e\"\nattach = [{via = 1}, {}, {via = \"port-forward\", port = 99999, public_port = \"x\"}]\n",
        "\u{0}\u{feff}\u{feff}",
        "format = \"patchwise-plant/1\"\n[a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p]\nx = 1\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        assert!(must_not_panic(&format!("case {i}"), text).is_err(), "case {i} was accepted");
    }
}

#[test]
fn deep_nesting() {
    for depth in [10, 100, 1_000, 100_000] {
        let arrays = format!("format = \"patchwise-plant/1\"\nx = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        let _ = must_not_panic("deep arrays", &arrays);
        let tables = format!("format = \"patchwise-plant/1\"\nx = {}1{}\n", "{a = ".repeat(depth), "}".repeat(depth));
        let _ = must_not_panic("deep inline tables", &tables);
        let dotted = format!("format = \"patchwise-plant/1\"\n{} = 1\n", vec!["a"; depth].join("."));
        let _ = must_not_panic("deep dotted keys", &dotted);
    }
}
