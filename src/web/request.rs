//! What a request says about where it comes from and where it may go next:
//! the client's address behind trusted proxies, and the post-login destination.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::uri::PathAndQuery;

/// The client's address. Each of the `proxy_hops` trusted proxies appends the
/// address it was reached from to X-Forwarded-For, so the client is the entry
/// that many places from the right; anything further left was written by the
/// client and is ignored. Without a trusted proxy (None), the socket's peer.
pub fn client_ip(request: &Request, proxy_hops: Option<usize>) -> Option<String> {
    let socket = || request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip().to_string());
    let Some(hops) = proxy_hops else {
        return socket();
    };
    let entries: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    forwarded_client(&entries, hops).or_else(socket)
}

/// The entry `hops` from the right (the leftmost when the list is shorter, as
/// then every entry came from a trusted proxy); None unless it is an address.
fn forwarded_client(entries: &[&str], hops: usize) -> Option<String> {
    let entry = entries.get(entries.len().saturating_sub(hops))?;
    let ip = entry.parse::<IpAddr>().or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip())).ok()?;
    Some(ip.to_string())
}

/// A post-login destination, only when it is a path on this site: it starts
/// with one `/` (not `//` or `/\`, which browsers read as another host),
/// holds no backslash, whitespace or control character (browsers drop TAB and
/// newlines, so `/<TAB>/host` becomes `//host`), and parses as a URI path.
/// Anything else means "go home".
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    let local = next.len() <= 2048
        && next.starts_with('/')
        && !next[1..].starts_with(['/', '\\'])
        && !next.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace())
        && next.parse::<PathAndQuery>().is_ok_and(|p| p.as_str() == next && p.path().starts_with('/'));
    local.then(|| next.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_entry_the_trusted_proxy_appended() {
        let forged = ["6.6.6.6", "203.0.113.9"];
        assert_eq!(forwarded_client(&forged, 1).as_deref(), Some("203.0.113.9"));
        let two_hops = ["6.6.6.6", "203.0.113.9", "10.0.0.2"];
        assert_eq!(forwarded_client(&two_hops, 2).as_deref(), Some("203.0.113.9"));
        assert_eq!(forwarded_client(&["203.0.113.9"], 2).as_deref(), Some("203.0.113.9"), "fewer proxies than hops");
        assert_eq!(forwarded_client(&["2001:db8::1"], 1).as_deref(), Some("2001:db8::1"));
        assert_eq!(forwarded_client(&["203.0.113.9:4711"], 1).as_deref(), Some("203.0.113.9"));
        assert_eq!(forwarded_client(&["not-an-address"], 1), None, "junk falls back to the socket");
        assert_eq!(forwarded_client(&[], 1), None);
    }

    #[test]
    fn only_same_origin_paths_are_destinations() {
        for good in ["/enterprise", "/officer/hall?sort=amount&page=2", "/a/%2F%2Fb"] {
            assert_eq!(safe_next(Some(good)).as_deref(), Some(good), "{good:?}");
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\\evil.example",
            "/a\\b",
            "\\\\evil.example",
            "https://evil.example",
            "evil.example",
            "/\u{7f}",
            "/a\u{0}b",
            "/\u{85}/evil.example",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(safe_next(None), None);
    }
}
