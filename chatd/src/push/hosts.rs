//! Which hosts push POSTs may reach. A push endpoint is a URL chosen by a user, so without
//! a check any user could make chatd post into the server's own network (its loopback,
//! the LAN, a cloud metadata service). By default endpoints on any special-purpose address
//! (every block of the IANA IPv4 and IPv6 special-purpose registries: loopback, private,
//! link-local, unique-local, shared, benchmarking, documentation, reserved, translation and
//! tunnel prefixes; see [`super::ip_ranges`]) or multicast are refused; `push.allow_private`
//! or `push.allowed_hosts` let the operator opt in.
//!
//! Literal addresses and `localhost` names are refused at registration. Names are checked
//! at every send, after resolution, by the HTTP client's resolver ([`GuardedResolver`]):
//! the addresses it hands to the connector are the ones checked, so a name that resolved
//! to a public address once and to a private one later (DNS rebinding) is refused too.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

pub use super::ip_ranges::is_public;
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
            "http://[::ffff:0:7f00:1]/x",
            "http://[::127.0.0.1]/x",
            "http://[64:ff9b:1::a00:1]/x",
            "http://[2001::1]/x",
            "http://198.18.0.1/x",
            "http://192.0.0.170/x",
            "http://240.0.0.1/x",
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
