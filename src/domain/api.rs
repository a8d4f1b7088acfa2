//! The bank API's vocabulary: the scopes a client may be given, the IP ranges
//! it may call from (CIDRs, `ipnet`), and the rules of its credentials (how
//! long a token lives, how a client id looks).

use std::net::IpAddr;

use ipnet::IpNet;

/// What a client may do; stored space-separated, as OAuth 2.0 writes scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    HallRead,
    OffersWrite,
    LoansWrite,
    ClaimsWrite,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::HallRead, Scope::OffersWrite, Scope::LoansWrite, Scope::ClaimsWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::HallRead => "hall:read",
            Scope::OffersWrite => "offers:write",
            Scope::LoansWrite => "loans:write",
            Scope::ClaimsWrite => "claims:write",
        }
    }

    pub fn parse(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::HallRead => "查看抢单大厅",
            Scope::OffersWrite => "抢单与报价",
            Scope::LoansWrite => "贷款放款与还款",
            Scope::ClaimsWrite => "风险补偿申请",
        }
    }
}

crate::stored_as_text!(Scope);

/// A set of scopes, in `Scope::ALL`'s order, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn new(mut scopes: Vec<Scope>) -> Scopes {
        scopes.sort_unstable();
        scopes.dedup();
        Scopes(scopes)
    }

    /// The stored form ("hall:read offers:write"); an unknown code fails the read.
    pub fn parse(stored: &str) -> Option<Scopes> {
        stored.split_whitespace().map(Scope::parse).collect::<Option<Vec<_>>>().map(Scopes::new)
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    /// Space-separated codes, as stored and as the token response's `scope`.
    pub fn codes(&self) -> String {
        self.0.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    }

    /// The Chinese labels, for the bank admin's list.
    pub fn labels(&self) -> String {
        self.0.iter().map(|s| s.label()).collect::<Vec<_>>().join("、")
    }
}

impl TryFrom<String> for Scopes {
    type Error = String;
    fn try_from(stored: String) -> Result<Scopes, String> {
        Scopes::parse(&stored).ok_or_else(|| format!("unknown scopes {stored:?}"))
    }
}

/// The ranges a client may call from; empty means from anywhere.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpRanges(Vec<IpNet>);

/// The most ranges one client may list.
pub const MAX_RANGES: usize = 20;

impl IpRanges {
    /// Ranges typed one a line or separated by commas or spaces; a bare
    /// address is a range of one. Err names the first entry that is not one.
    pub fn parse(text: &str) -> Result<IpRanges, String> {
        let mut ranges = Vec::new();
        for entry in text.split(|c: char| c == ',' || c.is_whitespace()).filter(|e| !e.is_empty()) {
            let range = match entry.parse::<IpNet>() {
                Ok(net) => net.trunc(),
                Err(_) => entry.parse::<IpAddr>().map(IpNet::from).map_err(|_| entry.to_string())?,
            };
            if !ranges.contains(&range) {
                ranges.push(range);
            }
        }
        Ok(IpRanges(ranges))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether a call from `ip` is allowed: any address when no range is
    /// listed, otherwise one inside a range (an unknown address is not).
    pub fn allow(&self, ip: Option<&str>) -> bool {
        if self.0.is_empty() {
            return true;
        }
        let Some(ip) = ip.and_then(|ip| ip.parse::<IpAddr>().ok()) else { return false };
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|range| range.contains(&ip))
    }

    /// Comma-separated CIDRs, as stored; None for no range.
    pub fn stored(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
    }
}

impl TryFrom<Option<String>> for IpRanges {
    type Error = String;
    fn try_from(stored: Option<String>) -> Result<IpRanges, String> {
        IpRanges::parse(stored.as_deref().unwrap_or_default()).map_err(|entry| format!("unknown IP range {entry:?}"))
    }
}

/// How long a bearer token lives, in seconds (2 hours).
pub const TOKEN_SECONDS: i64 = 7200;

/// The prefix of every client id ("xyd_" and 16 hex digits).
pub const CLIENT_ID_PREFIX: &str = "xyd_";

/// A client's name: 1 to 40 characters.
pub const NAME_MAX_CHARS: usize = 40;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_back_in_one_order() {
        let scopes = Scopes::parse("offers:write hall:read offers:write").unwrap();
        assert_eq!(scopes.codes(), "hall:read offers:write");
        assert_eq!(scopes.labels(), "查看抢单大厅、抢单与报价");
        assert!(Scopes::parse("hall:read admin").is_none());
    }

    #[test]
    fn ranges_admit_only_addresses_inside_them() {
        let ranges = IpRanges::parse("203.0.113.0/24\n198.51.100.7, 2001:db8::/32").unwrap();
        assert_eq!(ranges.stored().unwrap(), "203.0.113.0/24,198.51.100.7/32,2001:db8::/32");
        assert!(ranges.allow(Some("203.0.113.200")));
        assert!(ranges.allow(Some("198.51.100.7")));
        assert!(!ranges.allow(Some("198.51.100.8")));
        assert!(ranges.allow(Some("::ffff:203.0.113.9")));
        assert!(ranges.allow(Some("2001:db8::1")));
        assert!(!ranges.allow(None));
        assert!(IpRanges::default().allow(None));
        assert_eq!(IpRanges::parse("10.0.0.0/33"), Err("10.0.0.0/33".to_string()));
        assert_eq!(IpRanges::parse("10.1.2.3/8").unwrap().stored().unwrap(), "10.0.0.0/8");
    }
}
