//! The client as the client, behind a reverse proxy too.
//!
//! Rate limits key on the client's address. Behind a proxy the TCP peer is
//! the proxy, so every user would share one bucket; but a header saying
//! who the client is can be sent by anyone. So `X-Forwarded-For` and
//! `X-Forwarded-Proto` are believed only from the addresses named in
//! `--trusted-proxies`, and removed from every other request before any
//! handler sees them. The client is then the right-most address in
//! `X-Forwarded-For` that is not itself a trusted proxy (what the nearest
//! untrusted hop said). When `--public-url` is `https`, every request is
//! marked as arriving over HTTPS, whatever a header says, so cookies are
//! `Secure` (and `__Host-` prefixed) and HSTS is sent.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;
use linli_backend::web::ClientIp;

use crate::state::AppState;

const FORWARDED_HEADERS: [&str; 5] =
    ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "forwarded"];

/// Establishes the client's address ([`ClientIp`]) and cleans the
/// forwarding headers; runs before everything else.
pub async fn normalize(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let proxies = &state.config.trusted_proxies;
    let trusted = |ip: &IpAddr| proxies.iter().any(|net| net.contains(ip));
    let client = match peer {
        Some(peer) if trusted(&peer) => forwarded_client(req.headers(), &trusted).unwrap_or(peer),
        Some(peer) => {
            for name in FORWARDED_HEADERS {
                req.headers_mut().remove(name);
            }
            peer
        }
        None => IpAddr::from([0, 0, 0, 0]),
    };
    if state.config.public_url.as_deref().is_some_and(|u| u.starts_with("https://")) {
        req.headers_mut().insert("x-forwarded-proto", HeaderValue::from_static("https"));
    }
    req.extensions_mut().insert(ClientIp(client.to_string()));
    next.run(req).await
}

/// The right-most address of `X-Forwarded-For` (all its headers, in
/// order) that is not a trusted proxy; `None` when there is none.
fn forwarded_client(headers: &HeaderMap, trusted: &impl Fn(&IpAddr) -> bool) -> Option<IpAddr> {
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect();
    hops.into_iter().rev().find(|ip| !trusted(ip))
}

/// `--trusted-proxies`: addresses or networks, e.g. `127.0.0.1,10.0.0.0/8`.
pub fn parse_proxy(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("not an address or network: {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_client_is_the_last_hop_before_the_trusted_proxies() {
        let nets = [parse_proxy("10.0.0.0/8"), parse_proxy("127.0.0.1")];
        let nets: Vec<IpNet> = nets.into_iter().map(|n| n.unwrap_or_else(|e| panic!("{e}"))).collect();
        let trusted = |ip: &IpAddr| nets.iter().any(|n| n.contains(ip));
        let mut h = HeaderMap::new();
        // The client claims to be 1.1.1.1; the proxy appended what it saw.
        h.append("x-forwarded-for", HeaderValue::from_static("1.1.1.1, 203.0.113.7"));
        h.append("x-forwarded-for", HeaderValue::from_static("10.0.0.5"));
        assert_eq!(forwarded_client(&h, &trusted), Some(IpAddr::from([203, 0, 113, 7])));
        assert_eq!(forwarded_client(&HeaderMap::new(), &trusted), None);
        assert!(parse_proxy("nonsense").is_err());
        assert!(parse_proxy("::1").is_ok());
    }
}
