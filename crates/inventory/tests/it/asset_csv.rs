//! CSV asset inventories: header aliases, delimiters, encodings, zone inference and rejected rows.

use inventory::{CsvError, CsvImport, read_assets_csv};
use model::{AssetKind, MissionImpact, Origin, SupportStatus};

fn plant() -> model::Plant {
    inventory::read_plant("small-plant.toml", &crate::fixture("data/small-plant.toml")).unwrap()
}

fn read(text: &str) -> CsvImport {
    read_assets_csv("assets.csv", text.as_bytes(), &plant()).unwrap()
}

fn rejected(imp: &CsvImport) -> Vec<(u64, Option<&str>, &str)> {
    imp.rejected.iter().map(|r| (r.line, r.column_name.as_deref(), r.message.as_str())).collect()
}

#[test]
fn documented_column_names() {
    let imp = read(
        "id,name,zone,kind,ip,mac,vendor,product,model,hardware_version,firmware,os,serial,owner,line,location,\
mission_impact,safety_impact,redundancy_group,support,end_of_life,tags,description\n\
PLC-7,Capper PLC,cell1,plc,10.20.1.70,00:1b:1b:00:00:07,Siemens,S7-1500,6ES7 515-2AM02-0AB0,5,V2.9.4,,SN7,Maint,\
Line 1,Hall 2,mission-failure,critical,capper,eol,2025-12-31,a;b,The capper\n",
    );
    assert!(imp.is_clean(), "{imp}");
    assert!(imp.ignored_columns.is_empty(), "{imp}");
    let a = &imp.assets[0];
    assert_eq!(
        (a.id.as_str(), a.name.as_str(), a.zone.as_str(), a.kind),
        ("PLC-7", "Capper PLC", "cell1", AssetKind::Plc)
    );
    assert_eq!(a.ips[0].to_string(), "10.20.1.70");
    assert_eq!(a.macs[0].to_string(), "00:1b:1b:00:00:07");
    assert_eq!(a.identity.model.as_deref(), Some("6ES7 515-2AM02-0AB0"));
    assert_eq!(a.identity.os, None, "empty cells are absent");
    assert_eq!(a.mission_impact, Some(MissionImpact::MissionFailure));
    let support = a.support.as_ref().unwrap();
    assert_eq!(support.status, SupportStatus::EndOfLife);
    assert_eq!(support.end_of_life.unwrap().to_string(), "2025-12-31");
    assert_eq!(a.tags, vec!["a", "b"]);
    assert_eq!(a.origin, Origin::Csv);
}

#[test]
fn header_aliases_and_ignored_columns() {
    let imp = read(
        "Asset Tag,Hostname,IP Address,MAC Address,Manufacturer,MLFB,Firmware Version,Operating System,S/N,\
Security Zone,Responsible,Device Type,Criticality,Cabinet colour\n\
TT-101,Tank level,10.20.1.101,00-1B-1B-00-01-01,Endress+Hauser,FMR20,01.02.03,,X1,packaging CELL 1,Instrumentation,sensor,high,grey\n",
    );
    assert!(imp.is_clean(), "{imp}");
    let a = &imp.assets[0];
    assert_eq!((a.id.as_str(), a.name.as_str(), a.zone.as_str()), ("TT-101", "Tank level", "cell1"), "zone by name");
    assert_eq!(a.kind, AssetKind::IiotSensor);
    assert_eq!(a.identity.vendor.as_deref(), Some("Endress+Hauser"));
    assert_eq!(a.identity.model.as_deref(), Some("FMR20"));
    assert_eq!(a.identity.firmware.as_deref(), Some("01.02.03"));
    assert_eq!(a.identity.serial.as_deref(), Some("X1"));
    assert_eq!(a.owner.as_deref(), Some("Instrumentation"));
    let ignored: Vec<&str> = imp.ignored_columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(ignored, vec!["Criticality", "Cabinet colour"]);
    assert!(imp.ignored_columns[0].reason.contains("no SSVC value"));
    assert_eq!(imp.ignored_columns[1].reason, "unknown column");
    assert_eq!((a.mission_impact, a.safety_impact), (None, None), "criticality is not guessed into SSVC");
}

#[test]
fn semicolons_bom_and_windows_1252() {
    let mut bytes = b"\xEF\xBB\xBFTag;Name;Zone;IP;Description\n".to_vec();
    bytes.extend_from_slice(b"HMI-1;Bedienpanel;cell1;10.20.1.50;\"Schrank 3; M\xfcller\"\n");
    let imp = read_assets_csv("de.csv", bytes.as_slice(), &plant()).unwrap();
    assert!(imp.is_clean(), "{imp}");
    assert_eq!(imp.assets[0].id, "HMI-1", "the BOM is not part of the first header");
    assert_eq!(imp.assets[0].description.as_deref(), Some("Schrank 3; Müller"));
    assert_eq!(imp.notes.len(), 1, "{imp}");
}

#[test]
fn zone_is_inferred_from_the_address() {
    let imp = read("name,ip\nhistorian two,10.10.0.21\nplc 8,\"fd00:20:1::8, 10.20.1.8\"\nnowhere,172.16.0.1\n");
    let zones: Vec<(&str, &str)> = imp.assets.iter().map(|a| (a.id.as_str(), a.zone.as_str())).collect();
    assert_eq!(zones, vec![("historian-two", "idmz"), ("plc-8", "cell1")]);
    assert_eq!(imp.assets[1].ips.len(), 2);
    assert_eq!(imp.assets[0].name, "historian two");
    assert_eq!(imp.assets[0].kind, AssetKind::Unknown);
    assert_eq!(rejected(&imp), vec![(4, Some("ip"), "no zone given and no zone subnet holds 172.16.0.1")]);
}

#[test]
fn bad_rows_are_rejected_with_line_column_and_reason() {
    let imp = read(
        "ID,Name,Zone,IP Address,Device Type,Mission Impact,End of Life\n\
A1,ok,cell1,10.20.1.1,plc,,\n\
A2,bad ip,cell1,10.20.1.300,plc,,\n\
A3,bad kind,cell1,,plcc,,\n\
A4,bad enum,cell1,,,huge,\n\
A5,bad date,cell1,,,,2025-02-30\n\
A6,unknown zone,cell9,,,,\n\
A1,duplicate,cell1,,,,\n\
A7,wrong zone,cell1,10.10.0.7,,,\n\
A8,taken address,cell1,10.20.1.10,,,\n\
A9,again,cell1,10.20.1.1,,,\n\
,,cell1,,,,\n\
\n\
A10,\"multi\nline\",cell1,,,,31.12.2029\n\
A11,late,cell1,,,,\n",
    );
    assert_eq!(
        rejected(&imp),
        vec![
            (3, Some("IP Address"), "`10.20.1.300` is not an IP address"),
            (
                4,
                Some("Device Type"),
                "`plcc` is not a valid asset kind; expected one of: plc, safety-controller, rtu, ied, drive, io-module, \
hmi, engineering-workstation, operator-workstation, scada-server, historian, server, workstation, network-device, \
firewall, protocol-gateway, iiot-sensor, camera, printer, other, unknown"
            ),
            (
                5,
                Some("Mission Impact"),
                "`huge` is not a valid mission impact; expected one of: degraded, mef-support-crippled, mef-failure, \
mission-failure"
            ),
            (6, Some("End of Life"), "2025-02-30 is not a date (no such day)"),
            (
                7,
                Some("Zone"),
                "unknown zone `cell9` (no zone has this id or name; known zones: enterprise, idmz, cell1)"
            ),
            (8, Some("ID"), "duplicate id `A1` (first on line 2)"),
            (9, Some("IP Address"), "address 10.10.0.7 lies in zone `idmz`, not in zone `cell1`"),
            (10, Some("IP Address"), "address 10.20.1.10 is already assigned to asset `PLC-1` in the plant"),
            (11, Some("IP Address"), "address 10.20.1.1 is also assigned to asset `A1` on line 2"),
            (12, None, "no id and no name; one of them names the asset"),
        ]
    );
    let ids: Vec<&str> = imp.assets.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, vec!["A1", "A10", "A11"]);
    assert_eq!(imp.assets[1].name, "multi\nline");
    assert_eq!(imp.assets[1].support.as_ref().unwrap().end_of_life.unwrap().to_string(), "2029-12-31");

    let report = imp.to_string();
    assert!(report.starts_with("assets.csv: 3 assets read, 10 rows rejected\n"), "{report}");
    assert!(report.contains("assets.csv:3: IP Address: `10.20.1.300` is not an IP address\n"), "{report}");
}

#[test]
fn an_asset_already_in_the_plant_may_keep_its_address() {
    let imp = read("id,zone,ip,firmware\nPLC-1,cell1,10.20.1.10,V3.0\n");
    assert!(imp.is_clean(), "{imp}");
    assert_eq!(imp.assets[0].identity.firmware.as_deref(), Some("V3.0"));
}

#[test]
fn files_that_cannot_be_imported() {
    let cases = [
        ("", "assets.csv:1: no header row"),
        ("colour,size\nred,1\n", "assets.csv:1: no id or name column"),
        ("id,name\nA,B\n", "assets.csv:1: no zone or ip column"),
    ];
    for (text, message) in cases {
        match read_assets_csv("assets.csv", text.as_bytes(), &plant()) {
            Err(e @ CsvError::Header { .. }) => assert!(e.to_string().starts_with(message), "{e}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_read_error_part_way_fails_the_whole_file() {
    struct Broken(usize);
    impl std::io::Read for Broken {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let rows = b"id,zone\nA,cell1\nB,cell1\n";
            if self.0 >= rows.len() {
                return Err(std::io::Error::other("cable pulled"));
            }
            let n = buf.len().min(rows.len() - self.0);
            buf[..n].copy_from_slice(&rows[self.0..self.0 + n]);
            self.0 += n;
            Ok(n)
        }
    }
    let err = read_assets_csv("usb.csv", Broken(0), &plant()).unwrap_err();
    assert!(matches!(err, CsvError::Read { .. }));
    assert!(err.to_string().starts_with("usb.csv:"), "{err}");
    assert!(err.to_string().contains("cable pulled"), "{err}");
}

#[test]
fn unterminated_quote_and_short_rows() {
    // Short rows are padded; a quote left open swallows the rest of the file and is still read.
    let imp = read("id,zone,ip\nA,cell1\nB,cell1,\"10.20.1.2\nC,cell1,10.20.1.3\n");
    assert_eq!(imp.assets[0].id, "A");
    assert_eq!(imp.rejected.len(), 1, "{imp}");
    assert_eq!(imp.rejected[0].line, 3);
}

#[test]
fn rejections_are_capped() {
    let mut text = String::from("id,zone\n");
    for i in 0..1200 {
        text.push_str(&format!("A{i},nowhere\n"));
    }
    let imp = read(&text);
    assert_eq!((imp.rejected.len(), imp.more_rejected), (1000, 200));
    assert!(imp.to_string().contains("200 more rejected rows not shown"));
}

#[test]
fn streams_from_any_reader() {
    // A reader that hands out one byte at a time still sniffs the delimiter from what it has.
    struct Trickle<'a>(&'a [u8]);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(slot)) => {
                    *slot = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }
    let imp = read_assets_csv("t.csv", Trickle(b"id,zone\nA,cell1\n"), &plant()).unwrap();
    assert!(imp.is_clean(), "{imp}");
    assert_eq!(imp.assets.len(), 1);
}
