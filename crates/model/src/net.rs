//! Network vocabulary of the plant model: MAC addresses, port ranges and rule endpoints.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Implements serde as the `Display` / `FromStr` string form.
macro_rules! serde_as_string {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// An IEEE 802 MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacAddr(pub [u8; 6]);

impl FromStr for MacAddr {
    type Err = String;
    /// Accepts `00:1b:1b:aa:bb:cc`, `00-1B-1B-AA-BB-CC` and `001b.1baa.bbcc`.
    fn from_str(s: &str) -> Result<Self, String> {
        let hex: String = s.trim().chars().filter(|c| !matches!(c, ':' | '-' | '.')).collect();
        let bad = || format!("`{s}` is not a MAC address (expected six hex octets such as 00:1b:1b:aa:bb:cc)");
        if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let mut out = [0u8; 6];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(MacAddr(out))
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}
serde_as_string!(MacAddr);

/// An inclusive range of ports, `502` or `1024-65535`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    pub fn single(port: u16) -> Self {
        PortRange { first: port, last: port }
    }

    pub fn contains(&self, port: u16) -> bool {
        self.first <= port && port <= self.last
    }
}

impl FromStr for PortRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let port = |p: &str| {
            p.trim()
                .parse::<u16>()
                .map_err(|_| format!("`{s}` is not a port or port range (expected 0-65535 or FIRST-LAST)"))
        };
        let r = match t.split_once('-') {
            Some((a, b)) => PortRange { first: port(a)?, last: port(b)? },
            None => PortRange::single(port(t)?),
        };
        if r.first > r.last {
            return Err(format!("port range `{s}` runs backwards"));
        }
        Ok(r)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last { write!(f, "{}", self.first) } else { write!(f, "{}-{}", self.first, self.last) }
    }
}
serde_as_string!(PortRange);

/// One side of a rule: a zone, an asset, an address block or anything.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Any,
    Zone(String),
    Asset(String),
    Net(IpNet),
}

impl FromStr for Endpoint {
    type Err = String;
    /// `any`, `zone:ID`, `asset:ID`, a CIDR block or a single address.
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("any") || t == "*" {
            return Ok(Endpoint::Any);
        }
        if let Some(z) = t.strip_prefix("zone:") {
            return non_empty(z, s).map(Endpoint::Zone);
        }
        if let Some(a) = t.strip_prefix("asset:") {
            return non_empty(a, s).map(Endpoint::Asset);
        }
        if let Ok(net) = t.parse::<IpNet>() {
            return Ok(Endpoint::Net(net.trunc()));
        }
        if let Ok(ip) = t.parse::<IpAddr>() {
            return Ok(Endpoint::Net(IpNet::from(ip)));
        }
        Err(format!("`{s}` is not a rule endpoint (expected `any`, `zone:ID`, `asset:ID`, an address or a CIDR block)"))
    }
}

fn non_empty(id: &str, whole: &str) -> Result<String, String> {
    if id.trim().is_empty() { Err(format!("`{whole}` names no id after the colon")) } else { Ok(id.trim().to_string()) }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Any => f.write_str("any"),
            Endpoint::Zone(z) => write!(f, "zone:{z}"),
            Endpoint::Asset(a) => write!(f, "asset:{a}"),
            Endpoint::Net(n) if n.prefix_len() == n.max_prefix_len() => write!(f, "{}", n.addr()),
            Endpoint::Net(n) => write!(f, "{n}"),
        }
    }
}
serde_as_string!(Endpoint);

/// A strict CIDR parse: the address part must be the network address (`10.1.2.0/24`, not
/// `10.1.2.7/24`), which catches the most common typo in hand-written zone files.
pub fn parse_subnet(s: &str) -> Result<IpNet, String> {
    let net: IpNet = s.trim().parse().map_err(|_| format!("`{s}` is not a CIDR block (expected e.g. 10.20.1.0/24)"))?;
    if net.trunc() != net {
        return Err(format!("`{s}` has host bits set; the network is {}", net.trunc()));
    }
    Ok(net)
}

/// Whether two address blocks share any address.
pub fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_forms() {
        let m: MacAddr = "00-1B-1B-AA-BB-CC".parse().unwrap();
        assert_eq!(m.to_string(), "00:1b:1b:aa:bb:cc");
        assert_eq!("001b.1baa.bbcc".parse::<MacAddr>().unwrap(), m);
        assert!("00:1b:1b:aa:bb".parse::<MacAddr>().is_err());
        assert!("zz:1b:1b:aa:bb:cc".parse::<MacAddr>().is_err());
    }

    #[test]
    fn ports() {
        assert_eq!("502".parse::<PortRange>().unwrap(), PortRange::single(502));
        assert_eq!("1024-65535".parse::<PortRange>().unwrap().to_string(), "1024-65535");
        assert!("70000".parse::<PortRange>().is_err());
        assert!("200-100".parse::<PortRange>().is_err());
    }

    #[test]
    fn endpoints() {
        assert_eq!("zone:cell1".parse::<Endpoint>().unwrap(), Endpoint::Zone("cell1".into()));
        assert_eq!("asset:PLC-1".parse::<Endpoint>().unwrap().to_string(), "asset:PLC-1");
        assert_eq!("10.1.2.3".parse::<Endpoint>().unwrap().to_string(), "10.1.2.3");
        assert_eq!("10.1.2.0/24".parse::<Endpoint>().unwrap().to_string(), "10.1.2.0/24");
        assert!("zone:".parse::<Endpoint>().is_err());
        assert!("10.1.2.0/33".parse::<Endpoint>().is_err());
    }

    #[test]
    fn subnets() {
        assert!(parse_subnet("10.1.2.7/24").is_err());
        let a = parse_subnet("10.1.0.0/16").unwrap();
        let b = parse_subnet("10.1.5.0/24").unwrap();
        let c = parse_subnet("10.2.0.0/16").unwrap();
        assert!(overlaps(&a, &b) && overlaps(&b, &a));
        assert!(!overlaps(&a, &c));
    }
}
