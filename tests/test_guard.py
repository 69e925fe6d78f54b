"""The address guard over every form of an address, for an ordinary and an allow_private feed.

Hosts are IP literals, so `check` judges them without DNS and nothing leaves the machine.
Each row: the URL, what an ordinary feed gets, what an allow_private feed gets, where
OK means allowed, LOCAL refused as non-global, and META refused for every feed.
"""

from __future__ import annotations

import pytest

from feeds.errors import RefusedError
from feeds.guard import Policy, carried_ipv4, check, literal

FEED = "https://feeds.example.org/rss.xml"
ORDINARY = Policy.for_feed(FEED, allow_private=False)
PRIVATE = Policy.for_feed(FEED, allow_private=True)
OK, LOCAL, META = "allowed", "non-global", "metadata"

ROWS = [
    # IPv4 loopback and private, dotted and in the old inet_aton forms
    ("http://127.0.0.1/x", LOCAL, OK, "127.0.0.1"),
    ("http://2130706433/x", LOCAL, OK, "127.0.0.1"),
    ("http://0x7f000001/x", LOCAL, OK, "127.0.0.1"),
    ("http://017700000001/x", LOCAL, OK, "127.0.0.1"),
    ("http://0177.0.0.1/x", LOCAL, OK, "127.0.0.1"),
    ("http://0x7f.0x0.0x0.0x1/x", LOCAL, OK, "127.0.0.1"),
    ("http://0x7f.1/x", LOCAL, OK, "127.0.0.1"),
    ("http://127.1/x", LOCAL, OK, "127.0.0.1"),
    ("http://127.0.0.1./x", LOCAL, OK, "127.0.0.1"),
    ("http://0/x", LOCAL, OK, "0.0.0.0"),
    ("http://10.1.2.3/x", LOCAL, OK, "10.1.2.3"),
    ("http://167838211/x", LOCAL, OK, "10.1.2.3"),
    ("http://0xa010203/x", LOCAL, OK, "10.1.2.3"),
    ("http://0012.0001.0002.0003/x", LOCAL, OK, "10.1.2.3"),
    ("http://192.168.1.1:8080/x", LOCAL, OK, "192.168.1.1"),
    # IPv4 link-local and cloud metadata, in every IPv4 form
    ("http://169.254.169.254/latest/meta-data/", META, META, None),
    ("http://2852039166/latest/meta-data/", META, META, None),
    ("http://0xa9fea9fe/latest/meta-data/", META, META, None),
    ("http://0251.0376.0251.0376/latest/meta-data/", META, META, None),
    ("http://169.254.43518/x", META, META, None),
    ("http://169.254.170.2/v2/credentials", META, META, None),
    ("http://2852039170/v2/credentials", META, META, None),
    ("http://169.254.10.1/x", META, META, None),
    ("http://100.100.100.200/latest/meta-data/", META, META, None),
    ("http://1684301000/latest/meta-data/", META, META, None),
    # IPv6, bracketed
    ("http://[::1]/x", LOCAL, OK, "::1"),
    ("http://[::1]:8080/x", LOCAL, OK, "::1"),
    ("http://[fd12:3456::1]/x", LOCAL, OK, "fd12:3456::1"),
    ("http://[fe80::1]/x", META, META, None),
    ("http://[fe80::a9fe:a9fe]/openstack", META, META, None),
    ("http://[fd00:ec2::254]/latest/meta-data/", META, META, None),
    ("http://[FD00:EC2:0:0:0:0:0:254]/latest/meta-data/", META, META, None),
    # IPv4-mapped
    ("http://[::ffff:127.0.0.1]/x", LOCAL, OK, "::ffff:7f00:1"),
    ("http://[::ffff:7f00:1]/x", LOCAL, OK, "::ffff:7f00:1"),
    ("http://[::ffff:10.1.2.3]/x", LOCAL, OK, "::ffff:a01:203"),
    ("http://[::ffff:169.254.169.254]/x", META, META, None),
    ("http://[::ffff:a9fe:aa02]/x", META, META, None),
    ("http://[::ffff:100.100.100.200]/x", META, META, None),
    # IPv4-compatible
    ("http://[::127.0.0.1]/x", LOCAL, OK, "::7f00:1"),
    ("http://[::7f00:1]/x", LOCAL, OK, "::7f00:1"),
    ("http://[::10.1.2.3]/x", LOCAL, OK, "::a01:203"),
    ("http://[::169.254.169.254]/x", META, META, None),
    ("http://[::169.254.170.2]/x", META, META, None),
    ("http://[::100.100.100.200]/x", META, META, None),
    # NAT64, well-known prefix and local-use prefix (RFC 6052 layouts /96 and /48)
    ("http://[64:ff9b::127.0.0.1]/x", LOCAL, OK, "64:ff9b::7f00:1"),
    ("http://[64:ff9b::10.1.2.3]/x", LOCAL, OK, "64:ff9b::a01:203"),
    ("http://[64:ff9b::169.254.169.254]/x", META, META, None),
    ("http://[64:ff9b::a9fe:aa02]/x", META, META, None),
    ("http://[64:ff9b::100.100.100.200]/x", META, META, None),
    ("http://[64:ff9b:1::169.254.169.254]/x", META, META, None),
    ("http://[64:ff9b:1:a9fe:a9:fe00::]/x", META, META, None),
    ("http://[64:ff9b:1::7f00:1]/x", LOCAL, OK, "64:ff9b:1::7f00:1"),
    ("http://[64:ff9b:1::5db8:d822]/x", LOCAL, OK, "64:ff9b:1::5db8:d822"),
    # 6to4
    ("http://[2002:7f00:1::]/x", LOCAL, OK, "2002:7f00:1::"),
    ("http://[2002:a01:203::1]/x", LOCAL, OK, "2002:a01:203::1"),
    ("http://[2002:a9fe:a9fe::1]/x", META, META, None),
    ("http://[2002:a9fe:aa02::]/x", META, META, None),
    ("http://[2002:6464:64c8::]/x", META, META, None),
    # public controls: every policy lets them through
    ("http://93.184.216.34/news", OK, OK, "93.184.216.34"),
    ("https://93.184.216.34:8443/news", OK, OK, "93.184.216.34"),
    ("http://1572395042/news", OK, OK, "93.184.216.34"),
    ("http://0x5db8d822/news", OK, OK, "93.184.216.34"),
    ("http://[2606:2800:220:1:248:1893:25c8:1946]/news", OK, OK, "2606:2800:220:1:248:1893:25c8:1946"),
    ("http://[::ffff:93.184.216.34]/news", OK, OK, "::ffff:5db8:d822"),
    ("http://[64:ff9b::93.184.216.34]/news", OK, OK, "64:ff9b::5db8:d822"),
    ("http://[2002:5db8:d822::1]/news", OK, OK, "2002:5db8:d822::1"),
]  # fmt: skip


def outcome(url: str, policy: Policy) -> tuple[str, str | None]:
    """What the guard says: allowed with the address to connect to, or why it refused."""
    try:
        return OK, check(url, policy).address
    except RefusedError as exc:
        return (META if "metadata" in str(exc) else LOCAL), str(exc)


@pytest.mark.parametrize(("url", "ordinary", "private", "address"), ROWS)
def test_guard_over_every_form(url: str, ordinary: str, private: str, address: str | None) -> None:
    for policy, expected in ((ORDINARY, ordinary), (PRIVATE, private)):
        verdict, detail = outcome(url, policy)
        assert verdict == expected, f"{url} allow_private={policy.allow_private}: {detail}"
        if verdict == OK:
            assert detail == address
        if verdict == LOCAL:
            assert "allow_private: true" in (detail or "")


@pytest.mark.parametrize(
    "feed",
    [
        "http://169.254.169.254/rss.xml",
        "http://[::ffff:169.254.169.254]/rss.xml",
        "http://[64:ff9b::a9fe:a9fe]/rss.xml",
        "http://[2002:a9fe:a9fe::]/rss.xml",
        "http://100.100.100.200/rss.xml",
        "http://[fd00:ec2::254]/rss.xml",
    ],
)
def test_a_feed_on_a_metadata_address_is_refused_even_as_its_own_origin(feed: str) -> None:
    for allow_private in (False, True):
        with pytest.raises(RefusedError, match="metadata"):
            check(feed, Policy.for_feed(feed, allow_private))


def test_the_feed_origin_is_trusted_in_its_own_form_only() -> None:
    feed = "http://127.0.0.1:8000/rss.xml"
    policy = Policy.for_feed(feed, False)
    assert check("http://127.0.0.1:8000/a.html", policy).address == "127.0.0.1"
    for other in (
        "http://127.0.0.1:8001/a",
        "http://[::ffff:127.0.0.1]:8000/a",
        "http://2130706433:8000/a",
    ):
        with pytest.raises(RefusedError, match="loopback"):
            check(other, policy)  # fmt: skip


@pytest.mark.parametrize(
    "host", ["example.org", "1.2.3.4.5", "08.1.2.3", "256.1.1.1", "1.2.65536", "0x1g", "1..2", ""]
)
def test_names_that_only_look_numeric_are_not_literals(host: str) -> None:
    assert literal(host) is None


def test_carried_ipv4_reads_each_form() -> None:
    import ipaddress

    def carried(text: str) -> list[str]:
        return [str(a) for a in carried_ipv4(ipaddress.ip_address(text))]

    assert carried("::ffff:1.2.3.4") == ["1.2.3.4"]
    assert carried("::1.2.3.4") == ["1.2.3.4"]
    assert carried("64:ff9b::1.2.3.4") == ["1.2.3.4"]
    assert carried("2002:102:304::") == ["1.2.3.4"]
    assert "1.2.3.4" in carried("64:ff9b:1:102:3:400::")  # the /48 layout
    assert carried("::1") == carried("::") == carried("2606:2800:220:1::1") == []
    assert carried("1.2.3.4") == []
