//! Which addresses are on the public internet, for the push SSRF filter: one table of every
//! block of the IANA IPv4 and IPv6 special-purpose address registries (plus multicast,
//! site-local and IPv4-compatible/-translated forms), all refused, even the few the
//! registries mark globally reachable (anycast relays, AS112): no push service lives there.
//!
//! No maintained crate classifies addresses against both registries (std's `is_global` is
//! unstable), so the table lives here, in one place, with a test per block.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 blocks that are not public: (network, prefix length, what it is).
const SPECIAL_V4: &[(Ipv4Addr, u8, &str)] = &[
    (Ipv4Addr::UNSPECIFIED, 8, "this network"),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private use"),
    (
        Ipv4Addr::new(100, 64, 0, 0),
        10,
        "shared address space (CGNAT)",
    ),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (Ipv4Addr::new(169, 254, 0, 0), 16, "link local"),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private use"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
    (
        Ipv4Addr::new(192, 0, 2, 0),
        24,
        "documentation (TEST-NET-1)",
    ),
    (Ipv4Addr::new(192, 31, 196, 0), 24, "AS112-v4"),
    (Ipv4Addr::new(192, 52, 193, 0), 24, "AMT"),
    (
        Ipv4Addr::new(192, 88, 99, 0),
        24,
        "deprecated 6to4 relay anycast",
    ),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private use"),
    (
        Ipv4Addr::new(192, 175, 48, 0),
        24,
        "direct delegation AS112",
    ),
    (Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking"),
    (
        Ipv4Addr::new(198, 51, 100, 0),
        24,
        "documentation (TEST-NET-2)",
    ),
    (
        Ipv4Addr::new(203, 0, 113, 0),
        24,
        "documentation (TEST-NET-3)",
    ),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (
        Ipv4Addr::new(240, 0, 0, 0),
        4,
        "reserved, and the limited broadcast address",
    ),
];

/// IPv6 blocks that are not public. Only `2000::/3` is global unicast at all; inside it
/// the registry's blocks below are refused. `64:ff9b::/96` (NAT64) is the one block judged
/// by the IPv4 address it embeds, since IPv6-only hosts reach public services through it.
const SPECIAL_V6: &[(Ipv6Addr, u8, &str)] = &[
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "IETF protocol assignments (Teredo, benchmarking, ORCHID, ...)",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16, "6to4"),
    (
        Ipv6Addr::new(0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0),
        48,
        "direct delegation AS112",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation",
    ),
];

/// `2000::/3`, the global unicast space.
const GLOBAL_UNICAST: (Ipv6Addr, u8) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);
/// `64:ff9b::/96`, the well-known NAT64 prefix.
const NAT64: (Ipv6Addr, u8) = (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);

/// Whether `ip` is an address on the public internet: in no special-purpose block.
/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are judged as the IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    !SPECIAL_V4
        .iter()
        .any(|&(net, len, _)| u32::from(ip) & mask_v4(len) == u32::from(net))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if in_v6(ip, NAT64) {
        let [.., a, b, c, d] = ip.octets();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    // Everything outside 2000::/3 (::/96 IPv4-compatible, ::ffff:0:0:0/96 translated,
    // 64:ff9b:1::/48, 100::/64 discard, 5f00::/16 SRv6, fc00::/7, fe80::/10, fec0::/10,
    // ff00::/8, ...) is special or unassigned.
    in_v6(ip, GLOBAL_UNICAST)
        && !SPECIAL_V6
            .iter()
            .any(|&(net, len, _)| in_v6(ip, (net, len)))
}

fn mask_v4(len: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

fn in_v6(ip: Ipv6Addr, (net, len): (Ipv6Addr, u8)) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    /// First and last address of a block.
    fn ends_v4(net: Ipv4Addr, len: u8) -> [Ipv4Addr; 2] {
        let first = u32::from(net);
        [Ipv4Addr::from(first), Ipv4Addr::from(first | !mask_v4(len))]
    }

    fn ends_v6(net: Ipv6Addr, len: u8) -> [Ipv6Addr; 2] {
        let first = u128::from(net);
        let host = u128::MAX.checked_shr(u32::from(len)).unwrap_or(0);
        [Ipv6Addr::from(first), Ipv6Addr::from(first | host)]
    }

    #[test]
    fn both_ends_of_every_special_block_are_refused() {
        for &(net, len, name) in SPECIAL_V4 {
            for ip in ends_v4(net, len) {
                assert!(!is_public(ip.into()), "{ip} ({name})");
                assert!(
                    !is_public(ip.to_ipv6_mapped().into()),
                    "mapped {ip} ({name})"
                );
            }
        }
        for &(net, len, name) in SPECIAL_V6 {
            for ip in ends_v6(net, len) {
                assert!(!is_public(ip.into()), "{ip} ({name})");
            }
        }
    }

    #[test]
    fn the_registries_blocks_and_the_reported_bypasses_are_refused() {
        for refused in [
            // The addresses the issue found let through.
            "::ffff:0:7f00:1",
            "::127.0.0.1",
            "64:ff9b:1::1",
            "64:ff9b:1:ffff::1",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "198.18.0.1",
            "198.19.255.255",
            "192.0.0.1",
            "192.0.0.9",
            "240.0.0.1",
            "255.255.255.254",
            // The rest of the IPv6 registry, outside 2000::/3 or inside it.
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "100::1",
            "100:0:0:1::1",
            "2001:1::1",
            "2001:2::1",
            "2001:3::1",
            "2001:4:112::1",
            "2001:10::1",
            "2001:20::1",
            "2001:30::1",
            "2001:db8::1",
            "2002:c0a8:101::1",
            "2002:101:101::1",
            "2620:4f:8000::1",
            "3fff::1",
            "3fff:fff::1",
            "5f00::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "64:ff9b::a00:1",
            "64:ff9b::7f00:1",
            // And the IPv4 registry.
            "0.1.2.3",
            "10.0.0.1",
            "100.64.0.1",
            "127.1.2.3",
            "169.254.169.254",
            "172.31.255.255",
            "192.0.2.1",
            "192.31.196.1",
            "192.52.193.1",
            "192.88.99.1",
            "192.168.1.1",
            "192.175.48.1",
            "198.51.100.1",
            "203.0.113.1",
            "224.0.0.1",
            "239.255.255.255",
            "255.255.255.255",
        ] {
            let ip: IpAddr = refused.parse().unwrap_or_else(|e| panic!("{refused}: {e}"));
            assert!(!is_public(ip), "{refused} must be refused");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.1",
            "126.255.255.255",
            "128.0.0.0",
            "172.15.255.255",
            "172.32.0.1",
            "192.0.1.1",
            "192.167.255.255",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "::ffff:1.1.1.1",
            "64:ff9b::101:101",
            "2606:4700::1111",
            "2a00:1450:4001::1",
            "2001:200::1",
            "2001:4860:4860::8888",
            "2003::1",
            "2620:4f:8001::1",
            "3ffe::1",
            "3fff:1000::1",
        ] {
            let ip: IpAddr = public.parse().unwrap_or_else(|e| panic!("{public}: {e}"));
            assert!(is_public(ip), "{public} must be allowed");
        }
    }
}
