"""Which URLs a crawl may fetch, whoever named them.

The configuration is trusted; what sites send back (feed entries, sitemap <loc>s, robots.txt
`Sitemap:` lines, links, redirects) is not. A hostile listing could otherwise make the crawler read
local files (`file:///etc/passwd`, `file:///dev/zero`) or reach services that only listen inside
the network (127.0.0.1:6379, 169.254.169.254, 10.0.0.0/8) and store what they answer as a page.

The rules:
- a URL the configuration names is always allowed (that is what the operator asked for);
- any other URL must be http or https;
- it may reach a loopback, link-local, private or otherwise non-public address only when it has
  the same origin (scheme, host, port) as the configured URL it was reached from, so that a local
  site's own feed and pages still work, or when `[crawl] allow_private_networks = true`.
  The address is the resolved one: a public-looking name that resolves to 127.0.0.1 counts.

This module decides; `scrapers.middlewares.UrlPolicyMiddleware` applies it to every request the
downloader sees, redirects included. It knows nothing of Scrapy.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

FETCHED_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Origin:
    """Scheme, host and port, as browsers compare them (a default port written out is the same origin)."""

    scheme: str
    host: str
    port: int | None


def origin(url: str) -> Origin | None:
    """The URL's origin; None when it has none we can read (no host, a port that is not a number)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host and scheme != "file":
        return None
    return Origin(scheme, host, port if port is not None else _DEFAULT_PORTS.get(scheme))


def malformed(url: str) -> str | None:
    """Why `url` cannot be requested at all (a port that is not a number from 1 to 65535), else None."""
    try:
        port = urlsplit(url).port
    except ValueError:
        return "not a valid URL: its port is not a number from 0 to 65535"
    if port == 0:
        return "not a valid URL: port 0"
    return None


def normalised(url: str) -> str:
    """The URL as a Scrapy Request holds it, so configured URLs compare equal to the requests made for them."""
    try:
        return safe_url_string(url.strip())
    except ValueError:  # a port that is not a number: never equal to a request Scrapy could make
        return url.strip()


def address_kind(address: Address) -> str | None:
    """What kind of non-public address this is ("loopback", "private", ...); None for a public one."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    for kind, is_kind in (("loopback", address.is_loopback), ("link-local", address.is_link_local),
                          ("unspecified", address.is_unspecified), ("private", address.is_private),
                          ("multicast", address.is_multicast), ("reserved", address.is_reserved)):
        if is_kind:
            return kind
    return None if address.is_global else "non-public"


def literal_address(host: str) -> Address | None:
    """The host as an IP address when it is written as one ("127.0.0.1", "[::1]"), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """The rules above for one crawl: the URLs its configuration names, and whether private networks are open."""

    configured: frozenset[str]
    allow_private_networks: bool = False

    @classmethod
    def for_urls(cls, urls: Iterable[str], *, allow_private_networks: bool = False) -> UrlPolicy:
        return cls(frozenset(normalised(u) for u in urls), allow_private_networks)

    def is_configured(self, url: str) -> bool:
        return url in self.configured or normalised(url) in self.configured

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be fetched before its host is even resolved; None when it may go on
        to the address check (`needs_address_check`) or needs nothing more."""
        if self.is_configured(url):
            return None
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            return "refused: a file:// URL is read only when the configuration names it"
        if scheme not in FETCHED_SCHEMES:
            return f"refused: only http and https URLs are fetched from listings, links and redirects (not {scheme or 'no scheme'!r})"
        if origin(url) is None:
            return malformed(url) or "refused: the URL has no host"
        return None

    def needs_address_check(self, url: str, reached_from: Iterable[str]) -> bool:
        """Whether the address `url` resolves to decides: not for configured URLs, URLs of the origin
        they were reached from, or any URL when private networks are allowed."""
        if self.allow_private_networks or self.is_configured(url):
            return False
        target = origin(url)
        return target is None or all(origin(start) != target for start in reached_from)

    def address_refusal(self, url: str, addresses: Iterable[Address]) -> str | None:
        """Why `url`, resolving to `addresses`, may not be fetched (a non-public one among them); None when it may."""
        host = urlsplit(url).hostname or url
        for address in addresses:
            kind = address_kind(address)
            if kind is not None:
                named = f"{address} is" if str(address) == host.strip("[]") else f"{host} resolves to {address},"
                return (f"refused: {named} a {kind} address, reached from a listing, link or redirect "
                        "outside the configured URL's origin (set [crawl] allow_private_networks = true to allow)")
        return None
