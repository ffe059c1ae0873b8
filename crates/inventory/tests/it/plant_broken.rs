//! One broken plant file per case, each with the exact line, column and key of every problem the
//! reader must report, and a fragment of each message.

use inventory::read_plant;

/// Reads `tests/broken/NAME` and checks that exactly the `expected` problems are reported, in file
/// order: (line, column, key, a fragment of the message).
fn check(name: &str, expected: &[(usize, usize, &str, &str)]) {
    let text = crate::fixture(&format!("broken/{name}"));
    let errors = match read_plant(name, &text) {
        Ok(_) => panic!("{name} was read without problems"),
        Err(e) => e,
    };
    let got: Vec<String> = errors.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.errors.len(), expected.len(), "{name}: problems reported:\n{}", got.join("\n"));
    for (e, (line, column, key, fragment)) in errors.errors.iter().zip(expected) {
        assert_eq!((e.line, e.column, e.key.as_str()), (*line, *column, *key), "{name}: {e}");
        assert!(e.message.contains(fragment), "{name}: `{e}` does not say `{fragment}`");
        assert_eq!(e.file, name);
    }
    assert_eq!(errors.omitted, 0);
}

#[test]
fn syntax_error() {
    check("syntax.toml", &[(5, 16, "", "TOML syntax: invalid basic string")]);
}

#[test]
fn unknown_key_typo_is_reported_with_a_suggestion() {
    check(
        "unknown_key.toml",
        &[
            (12, 1, "asset.zone", "missing required key `zone`"),
            (14, 1, "asset.zonne", "unknown key `zonne`; did you mean `zone`?"),
        ],
    );
}

#[test]
fn duplicate_asset_id_points_at_the_second() {
    check("duplicate_asset.toml", &[(18, 6, "asset.id", "duplicate asset id `PLC-1`")]);
}

#[test]
fn asset_in_unknown_zone() {
    check("unknown_zone.toml", &[(14, 8, "asset.zone", "unknown zone `cell9`")]);
}

#[test]
fn conduit_to_a_missing_zone() {
    check(
        "conduit_missing_zone.toml",
        &[(15, 19, "conduit.zones[1]", "unknown zone `cell2`"), (20, 6, "conduit.rule.to", "unknown zone `cell2`")],
    );
}

#[test]
fn overlapping_subnets_across_zones() {
    check(
        "overlapping_subnets.toml",
        &[(18, 12, "zone.subnets[1]", "subnet 10.20.1.0/24 overlaps 10.20.0.0/16, claimed by zone `area`")],
    );
}

#[test]
fn cidr_with_host_bits_and_invalid_cidr() {
    check(
        "bad_cidr.toml",
        &[
            (11, 12, "zone.subnets[0]", "`10.20.1.7/24` has host bits set; the network is 10.20.1.0/24"),
            (11, 28, "zone.subnets[1]", "`10.20.300.0/24` is not a CIDR block"),
        ],
    );
}

#[test]
fn bad_ip_and_mac_addresses() {
    check(
        "bad_addresses.toml",
        &[
            (16, 22, "asset.ips[1]", "`10.20.1.256` is not an IP address"),
            (17, 9, "asset.macs[0]", "`00:1b:1b:aa:bb` is not a MAC address"),
            (26, 18, "entry_point.attach.public_address", "`198.51.100.x` is not an IP address"),
        ],
    );
}

#[test]
fn invalid_enum_values_list_the_expected_ones() {
    check(
        "bad_enums.toml",
        &[
            (10, 10, "zone.purdue", "`6` is not a valid Purdue level; expected one of: 0, 1, 2, 3, 3.5, 4, 5"),
            (15, 8, "asset.kind", "`plcc` is not a valid asset kind; expected one of: plc, safety-controller"),
            (16, 18, "asset.mission_impact", "`huge` is not a valid mission impact; expected one of: degraded"),
        ],
    );
}

#[test]
fn ports_out_of_range() {
    check(
        "port_range.toml",
        &[
            (26, 15, "conduit.rule.ports[1]", "port 70000 is out of range (0-65535)"),
            (26, 22, "conduit.rule.ports[2]", "port range `200-100` runs backwards"),
            (34, 8, "asset.service.port", "port -1 is out of range"),
        ],
    );
}

#[test]
fn data_diode_with_a_both_rule() {
    check("diode_both.toml", &[(27, 13, "conduit.rule.direction", "a data diode carries traffic one way only")]);
}

#[test]
fn rule_endpoints_outside_the_conduit_and_ports_on_icmp() {
    check(
        "rule_outside_conduit.toml",
        &[
            (
                29,
                8,
                "conduit.rule.from",
                "asset `PLC-3` is in zone `cell3`, not in the conduit's zones (cell1 and cell2)",
            ),
            (30, 6, "conduit.rule.to", "zone `cell3` is not one of the conduit's zones (cell1 and cell2)"),
            (32, 9, "conduit.rule.ports", "protocol icmp has no ports"),
        ],
    );
}

#[test]
fn depends_on_unknown_asset_and_on_itself() {
    check(
        "depends_unknown.toml",
        &[
            (16, 24, "asset.depends_on[1]", "unknown asset `PLC-2`"),
            (16, 33, "asset.depends_on[2]", "an asset cannot depend on itself"),
        ],
    );
}

#[test]
fn missing_required_keys_are_reported_at_the_table_header() {
    check(
        "missing_required.toml",
        &[
            (3, 1, "site.id", "missing required key `id`"),
            (6, 1, "zone.name", "missing required key `name`"),
            (6, 1, "zone.purdue", "missing required key `purdue`"),
            (9, 1, "asset.kind", "missing required key `kind`"),
        ],
    );
}

#[test]
fn wrong_types_of_tables_and_scalars() {
    check(
        "wrong_type.toml",
        &[
            (10, 10, "zone.purdue", "expected a Purdue level (0, 1, 2, 3, 3.5, 4, 5), found a boolean"),
            (11, 10, "zone.safety", "expected true or false, found a string"),
            (13, 1, "asset", "expected an array of tables; write [[asset]], not [asset]"),
        ],
    );
}

#[test]
fn wrong_types_of_values() {
    check(
        "wrong_type_values.toml",
        &[
            (16, 7, "asset.ips", "expected an array of address strings, found a string (write [\"10.0.0.1\"])"),
            (17, 14, "asset.tags[1]", "expected a string, found an integer"),
            (18, 15, "asset.end_of_life", "`31/12/2025` is not a date"),
        ],
    );
}

#[test]
fn missing_format_line() {
    check("format_missing.toml", &[(1, 1, "format", "missing `format = \"patchwise-plant/1\"`")]);
}

#[test]
fn other_format_version_stops_reading() {
    // The unknown key `nom` is not reported: another version has another schema.
    check("format_version.toml", &[(1, 10, "format", "unsupported format `patchwise-plant/2`")]);
}

#[test]
fn entry_point_attachments() {
    check(
        "entry_points.toml",
        &[
            (19, 8, "entry_point.attach.host", "unknown asset `JUMP-1`"),
            (23, 11, "entry_point.attach.gateway", "unknown asset `VPN-9`"),
            (24, 8, "entry_point.attach.zone", "unknown zone `dmz`"),
            (
                27,
                7,
                "entry_point.attach.via",
                "`teleport` is not a way of attaching; expected one of: zone, port-forward",
            ),
            (30, 1, "entry_point.attach", "an entry point needs at least one [[entry_point.attach]]"),
        ],
    );
}

#[test]
fn several_problems_in_one_file_are_all_reported() {
    check(
        "many_problems.toml",
        &[
            (18, 1, "zone.site", "missing key `site`: the plant has 2 sites"),
            (19, 6, "zone.id", "id `cell 2` contains whitespace"),
            (22, 12, "zone.subnets[0]", "subnet 10.20.1.128/25 overlaps 10.20.1.0/24, claimed by zone `cell1`"),
            (26, 8, "zone.site", "unknown site `west`"),
            (33, 9, "conduit.zones", "a conduit joins exactly 2 zones, found 1"),
            (39, 22, "asset.ips[1]", "address 10.30.0.1 is outside every subnet of zone `cell1`"),
            (45, 8, "asset.ips[0]", "address 10.20.1.10 is also assigned to asset `PLC-1`"),
            (46, 1, "asset.colour", "unknown key `colour`"),
        ],
    );
}

#[test]
fn display_is_file_line_column_key_message() {
    let text = crate::fixture("broken/unknown_zone.toml");
    let e = read_plant("plant.toml", &text).unwrap_err();
    assert_eq!(e.to_string(), "plant.toml:14:8: asset.zone: unknown zone `cell9`");
    let text = crate::fixture("broken/syntax.toml");
    let e = read_plant("plant.toml", &text).unwrap_err();
    assert_eq!(e.to_string(), "plant.toml:5:16: TOML syntax: invalid basic string, expected `\"`");
}

#[test]
fn every_broken_file_has_a_test() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let this = include_str!("plant_broken.rs");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(this.contains(&format!("\"{name}\"")), "tests/broken/{name} is not checked");
        count += 1;
    }
    assert!(count >= 12);
}

#[test]
fn site_policy_values_are_checked_and_unknown_exploitation_is_never_none() {
    check(
        "site_policy.toml",
        &[
            (8, 18, "site.policy.immediate_days", "expected a number of days (0–3650), found -1"),
            (9, 13, "site.policy.deadlines", "expected `ssvc` or `bod-26-04`"),
            (10, 24, "site.policy.unknown_exploitation", "never decided as none"),
            (11, 25, "site.policy.assumed_safety_impact", "deadly"),
            (12, 1, "site.policy.schedueld_days", "did you mean `scheduled_days`?"),
        ],
    );
}
