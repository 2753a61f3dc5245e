//! Which hosts push POSTs may reach. A push endpoint is a URL chosen by a user, so without
//! a check any user could make chatd post into the server's own network (its loopback,
//! the LAN, a cloud metadata service). By default endpoints on loopback, private,
//! link-local, unique-local, shared (CGNAT), multicast, broadcast or unspecified addresses
//! are refused; `push.allow_private` or `push.allowed_hosts` let the operator opt in.
//!
//! Literal addresses and `localhost` names are refused at registration. Names are checked
//! at every send, after resolution, by the HTTP client's resolver ([`GuardedResolver`]):
//! the addresses it hands to the connector are the ones checked, so a name that resolved
//! to a public address once and to a private one later (DNS rebinding) is refused too.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::config::PushConfig;

/// The operator's choice of hosts that may be private.
#[derive(Clone, Debug)]
pub struct HostPolicy {
    allow_private: bool,
    allowed_hosts: HashSet<String>,
}

impl HostPolicy {
    /// The policy of `[push]`.
    pub fn new(config: &PushConfig) -> Self {
        Self {
            allow_private: config.allow_private,
            allowed_hosts: config.allowed_hosts.iter().map(|h| normalized(h)).collect(),
        }
    }

    /// Whether `host` (a name or an address, IPv6 with or without brackets) may resolve to
    /// any address.
    fn trusted(&self, host: &str) -> bool {
        self.allow_private || self.allowed_hosts.contains(&normalized(host))
    }

    /// Whether `url` may be posted to as far as can be told without resolving it: a literal
    /// address must be public, and `localhost` names are local by definition.
    pub fn allows(&self, url: &Url) -> bool {
        let Some(host) = url.host() else {
            return false;
        };
        if url.host_str().is_some_and(|h| self.trusted(h)) {
            return true;
        }
        match host {
            Host::Ipv4(ip) => is_public(IpAddr::V4(ip)),
            Host::Ipv6(ip) => is_public(IpAddr::V6(ip)),
            Host::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name != "localhost" && !name.ends_with(".localhost")
            }
        }
    }
}

fn normalized(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Whether `ip` is an address on the public internet (none of the ranges named above).
pub fn is_public(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let this_network = a == 0;
    let shared = a == 100 && (64..128).contains(&b);
    !(this_network
        || shared
        || ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast())
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    let site_local = first & 0xffc0 == 0xfec0;
    // NAT64 and 6to4 addresses embed an IPv4 address, which must be public itself.
    let embedded_v4 = match ip.segments() {
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] | [0x2002, hi, lo, ..] => Some(v4_of(hi, lo)),
        _ => None,
    };
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || unique_local
        || link_local
        || site_local
        || embedded_v4.is_some_and(|v4| !is_public_v4(v4)))
}

fn v4_of(hi: u16, lo: u16) -> Ipv4Addr {
    let [a, b] = hi.to_be_bytes();
    let [c, d] = lo.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// A name that resolved to no address push may reach.
#[derive(Debug, thiserror::Error)]
#[error("{0} resolves to no public address (push.allowed_hosts)")]
pub struct RefusedHost(String);

impl RefusedHost {
    /// Whether `error` (a reqwest error, say) was caused by a refused host.
    pub fn caused(error: &(dyn std::error::Error + 'static)) -> bool {
        let mut cause = Some(error);
        while let Some(e) = cause {
            if e.is::<Self>() {
                return true;
            }
            cause = e.source();
        }
        false
    }
}

/// The push client's resolver: the system's, keeping only the addresses the policy allows.
#[derive(Debug)]
pub struct GuardedResolver {
    policy: Arc<HostPolicy>,
}

impl GuardedResolver {
    /// A resolver for `policy`.
    pub fn new(policy: Arc<HostPolicy>) -> Self {
        Self { policy }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let trusted = policy.trusted(&host);
            let kept: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| trusted || is_public(addr.ip()))
                .collect();
            if kept.is_empty() {
                return Err(Box::new(RefusedHost(host)).into());
            }
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "1.1.1.1",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
            "64:ff9b::101:101",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_with_local_hosts_need_the_operators_consent() {
        let strict = HostPolicy::new(&PushConfig::default());
        let url = |s: &str| Url::parse(s).unwrap();
        for refused in [
            "http://127.0.0.1:8080/x",
            "http://[::1]/x",
            "https://10.0.0.5/x",
            "https://localhost/x",
            "https://push.localhost./x",
            "https://[fd00::1]/x",
        ] {
            assert!(!strict.allows(&url(refused)), "{refused}");
        }
        assert!(strict.allows(&url("https://ntfy.sh/topic")));
        assert!(strict.allows(&url("https://1.1.1.1/topic")));

        let listed = HostPolicy::new(&PushConfig {
            allowed_hosts: vec!["10.0.0.5".into(), "[FD00::1]".into(), "localhost".into()],
            ..PushConfig::default()
        });
        assert!(listed.allows(&url("https://10.0.0.5/x")));
        assert!(listed.allows(&url("https://[fd00::1]/x")));
        assert!(listed.allows(&url("https://localhost/x")));
        assert!(!listed.allows(&url("https://10.0.0.6/x")));

        let open = HostPolicy::new(&PushConfig {
            allow_private: true,
            ..PushConfig::default()
        });
        assert!(open.allows(&url("http://127.0.0.1/x")));
    }
}
