//! Nmap XML: every fixture, plus the OT identity scripts on a document written here (no public
//! Nmap file with them exists among the fixtures).

use scan::{Format, Import, Protocol};

use crate::support::{DOJO, attr, check_truncations, dojo_count, files, fixture, name, read, start_tags};

/// Naive counts: hosts whose `<status state="up"`, `<port` tags whose `<state` is `open`,
/// `<elem key="id">` inside a `vulners` script.
fn naive(doc: &str) -> (usize, usize, usize) {
    let mut hosts = 0;
    let mut services = 0;
    let mut vulns = 0;
    for h in doc.split("</host>") {
        let Some(at) = h.find("<host ").or_else(|| h.find("<host>")) else { continue };
        let h = &h[at..];
        if start_tags(h, "status").first().is_none_or(|t| attr(t, "state") != Some("up")) {
            continue;
        }
        hosts += 1;
        for p in h.split("<port ").skip(1) {
            let p = &p[..p.find("</port>").unwrap_or(p.len())];
            if start_tags(p, "state").first().is_some_and(|t| attr(t, "state") == Some("open")) {
                services += 1;
            }
        }
        for s in h.split("<script id=\"vulners\"").skip(1) {
            let s = &s[..s.find("</script>").unwrap_or(s.len())];
            vulns += s.matches("<elem key=\"id\">").count();
        }
    }
    (hosts, services, vulns)
}

#[test]
fn every_nmap_file() {
    let Some(dir) = fixture(&format!("{DOJO}/nmap")) else { return };
    let mut n = 0;
    for p in files(&dir) {
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(scan::detect(&bytes), Some(Format::NmapXml));
        n += 1;
        let (_, import) = read(&p);
        let file = name(&p);
        let (hosts, services, vulns) = naive(std::str::from_utf8(&bytes).unwrap());
        let s = import.summary;
        assert_eq!((s.hosts, s.services, s.vulnerabilities), (hosts as u64, services as u64, vulns as u64), "{file}");
        // DefectDojo: one finding per open port plus one per vulners CVE; the same meaning.
        let rel = file.split_once("unittests/scans/").unwrap().1;
        if let Some(want) = dojo_count(rel) {
            let cve_claims = import.hosts.iter().flat_map(|h| &h.vulns).filter(|v| !v.cves.is_empty()).count() as u64;
            assert_eq!(s.services + cve_claims, want, "{file}: DefectDojo count");
        }
        check_truncations(Format::NmapXml, &bytes, &file);
    }
    assert_eq!(n, 4);
}

#[test]
fn vulners_details() {
    let Some(p) = fixture(&format!("{DOJO}/nmap/nmap_script_vulners.xml")) else { return };
    let (_, i) = read(&p);
    let h = &i.hosts[0];
    assert_eq!(h.ip.as_deref(), Some("192.168.0.1"));
    let s = &h.services[0];
    assert_eq!(
        (s.protocol, s.port, s.name.as_deref(), s.product.as_deref(), s.version.as_deref()),
        (Protocol::Tcp, 5022, Some("ssh"), Some("OpenSSH"), Some("7.4"))
    );
    assert_eq!(s.cpes, ["cpe:/a:openbsd:openssh:7.4"]);
    let cves: Vec<&str> = h.vulns.iter().flat_map(|v| v.cves.iter().map(String::as_str)).collect();
    assert_eq!(cves, ["CVE-2018-15919", "CVE-2017-15906"]);
    assert!(h.vulns.iter().all(|v| v.port == Some(5022) && v.cvss[0].base == Some(5.0)));
}

const OT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sU -p102,44818,502,47808 --script s7-info,enip-info,modbus-discover,bacnet-info" version="7.94" xmloutputversion="1.05">
<host><status state="up" reason="arp-response"/>
<address addr="10.1.2.3" addrtype="ipv4"/><address addr="00:1B:1B:01:02:03" addrtype="mac" vendor="Siemens AG"/>
<hostnames><hostname name="plc1.cell1.local" type="PTR"/></hostnames>
<ports>
<port protocol="tcp" portid="102"><state state="open" reason="syn-ack"/><service name="iso-tsap" method="table" conf="3"/>
<script id="s7-info" output="&#xa;  Module: 6ES7 315-2EH14-0AB0 &#xa;  Basic Hardware: 6ES7 315-2EH14-0AB0 &#xa;  Version: 3.2.6&#xa;  System Name: SIMATIC 300(1)&#xa;  Module Type: CPU 315-2 PN/DP&#xa;  Serial Number: S C-X4U421302009&#xa;  Copyright: Original Siemens Equipment&#xa;"><elem key="Module">6ES7 315-2EH14-0AB0 </elem>
<elem key="Basic Hardware">6ES7 315-2EH14-0AB0 </elem>
<elem key="Version">3.2.6</elem>
<elem key="System Name">SIMATIC 300(1)</elem>
<elem key="Module Type">CPU 315-2 PN/DP</elem>
<elem key="Serial Number">S C-X4U421302009</elem>
<elem key="Copyright">Original Siemens Equipment</elem>
</script></port>
<port protocol="tcp" portid="80"><state state="closed" reason="reset"/><service name="http" method="table" conf="3"/></port>
</ports>
<os><osmatch name="Siemens Simatic 300 programmable logic controller" accuracy="96" line="1"><osclass type="specialized" vendor="Siemens" osfamily="embedded" accuracy="96"><cpe>cpe:/h:siemens:simatic_300</cpe></osclass></osmatch></os>
</host>
<host><status state="up" reason="echo-reply"/><address addr="10.1.2.4" addrtype="ipv4"/>
<ports>
<port protocol="udp" portid="44818"><state state="open" reason="udp-response"/><service name="EtherNet-IP-2"/>
<script id="enip-info" output="&#xa;  type: Communications Adapter (12)&#xa;  vendor: Rockwell Automation/Allen-Bradley (1)&#xa;  productName: 1769-L32E Ethernet Port&#xa;  serialNumber: 0x1234abcd&#xa;  productCode: 158&#xa;  revision: 3.7&#xa;  status: 0x0030&#xa;  state: 0x03&#xa;  deviceIp: 10.1.2.4"/></port>
<port protocol="tcp" portid="502"><state state="open" reason="syn-ack"/><service name="modbus"/>
<script id="modbus-discover" output="&#xa;  sid 0x1: &#xa;    Slave ID data: \xFA\xFFPM710PowerMeter&#xa;    Device identification: Schneider Electric PM710 v03.110"><table key="sid 0x1">
<elem key="Slave ID data">\xFA\xFFPM710PowerMeter</elem>
<elem key="Device identification">Schneider Electric PM710 v03.110</elem>
</table>
</script></port>
<port protocol="udp" portid="47808"><state state="open" reason="udp-response"/><service name="bacnet"/>
<script id="bacnet-info" output="&#xa;  Vendor ID: Honeywell International Inc. (17)&#xa;  Firmware: 3.00&#xa;  Model Name: CLIPC3&#xa;  Object Name: SRV-HVAC-01"><elem key="Vendor ID">Honeywell International Inc. (17)</elem>
<elem key="Vendor Name">Honeywell Inc.</elem>
<elem key="Firmware">3.00</elem>
<elem key="Model Name">CLIPC3</elem>
<elem key="Object Name">SRV-HVAC-01</elem>
</script></port>
</ports>
</host>
<host><status state="down" reason="no-response"/><address addr="10.1.2.5" addrtype="ipv4"/></host>
<runstats><finished time="1" exit="success"/><hosts up="2" down="1" total="3"/></runstats>
</nmaprun>
"#;

#[test]
fn ot_identity_scripts() {
    let i: Import = scan::parse(Format::NmapXml, OT.as_bytes(), "ot.xml").unwrap();
    assert_eq!((i.summary.hosts, i.summary.services, i.summary.vulnerabilities), (2, 4, 0));
    let plc = &i.hosts[0];
    assert_eq!(plc.mac.as_deref(), Some("00:1B:1B:01:02:03"));
    assert_eq!(plc.mac_vendor.as_deref(), Some("Siemens AG"));
    assert_eq!(plc.hostnames, ["plc1.cell1.local"]);
    assert_eq!(plc.os[0].accuracy, Some(96));
    assert_eq!(plc.os[0].cpes, ["cpe:/h:siemens:simatic_300"]);
    let s7 = &plc.identities[0];
    assert_eq!(s7.source, "s7-info");
    assert_eq!(s7.vendor.as_deref(), Some("Siemens"));
    assert_eq!(s7.module.as_deref(), Some("6ES7 315-2EH14-0AB0"));
    assert_eq!(s7.product.as_deref(), Some("CPU 315-2 PN/DP"));
    assert_eq!(s7.firmware.as_deref(), Some("3.2.6"));
    assert_eq!(s7.serial.as_deref(), Some("S C-X4U421302009"));
    assert_eq!(s7.name.as_deref(), Some("SIMATIC 300(1)"));

    let ids = &i.hosts[1].identities;
    assert_eq!(ids.len(), 3, "{ids:?}");
    // enip-info here has only text output (older script versions): read from its lines.
    let enip = &ids[0];
    assert_eq!(enip.source, "enip-info");
    assert_eq!(enip.vendor.as_deref(), Some("Rockwell Automation/Allen-Bradley (1)"));
    assert_eq!(enip.product.as_deref(), Some("1769-L32E Ethernet Port"));
    assert_eq!(enip.serial.as_deref(), Some("0x1234abcd"));
    assert_eq!(enip.module.as_deref(), Some("158"));
    assert_eq!(enip.firmware.as_deref(), Some("3.7"));
    let modbus = &ids[1];
    assert_eq!(modbus.product.as_deref(), Some("Schneider Electric PM710"));
    assert_eq!(modbus.firmware.as_deref(), Some("03.110"));
    let bacnet = &ids[2];
    assert_eq!(bacnet.vendor.as_deref(), Some("Honeywell Inc."));
    assert_eq!(bacnet.model.as_deref(), Some("CLIPC3"));
    assert_eq!(bacnet.firmware.as_deref(), Some("3.00"));
    assert_eq!(bacnet.name.as_deref(), Some("SRV-HVAC-01"));
}
