"""The outlet registry (`parley/data/sourcing/outlets.csv`): one row per outlet, one grade per outlet.

A sourced row's grade is its outlet's grade, looked up by the address's domain (or a domain with a
path prefix where one site hosts several outlets), so the same outlet cannot be graded two ways.
The registry also names denied sites (aggregators, encyclopedias: a `denied` grade with its reason)
and mirror hosts; non-production addresses (staging, preprod, dev hosts, bare IP addresses, mirrors)
are refused when a folder is validated, asking for the original address.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REGISTRY = Path(__file__).resolve().parent / "sourcing" / "outlets.csv"
DENIED = "denied"  # an aggregator, content farm or encyclopedia: never a source (the notes say why)
MIRROR = "mirror"  # a copy of another site's pages at another address: refused at validation
# A host label that marks a non-production copy of a site: staging.x.org, preprod-mobile.x.com, dev.x.org.
NON_PRODUCTION_LABEL = re.compile(r"^(staging|stage|preprod|pre-prod|dev|develop|uat|test)(\d+)?([-.].*)?$")
SECOND_LEVEL = {"co", "com", "ac", "gov", "org", "net", "edu", "or", "ne", "go"}  # example.co.uk: 3 labels


@dataclass(frozen=True)
class Outlet:
    """One registry row: the address it covers, the outlet's name, its grade and (state media) its party."""

    domain: str  # a host name, or a host name with a path prefix ("github.com/owner/repo")
    outlet: str
    grade: str
    party: str = ""
    notes: str = ""
    line: int = 0

    @property
    def host(self) -> str:
        return self.domain.split("/", 1)[0]

    @property
    def path(self) -> str:
        """The path prefix ('' when the whole domain is one outlet)."""
        return "/" + self.domain.split("/", 1)[1] if "/" in self.domain else ""

    @property
    def label(self) -> str:
        """What the briefing says of a party's media ('Russian state media'): the notes of a party_media row."""
        return self.notes


def host(url: str | None) -> str:
    """The address's host name, lower case, without a trailing dot ('' when it has none)."""
    if not url:
        return ""
    try:
        name = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return name.rstrip(".").lower()


def _path(url: str) -> str:
    try:
        return urlsplit(url.strip()).path or "/"
    except ValueError:
        return "/"


def subdomain_labels(name: str) -> list[str]:
    """The labels left of the registrable domain (an approximation without the public suffix list)."""
    labels = name.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return labels[:-keep]


def non_production(url: str | None) -> str | None:
    """Why an address is not an outlet's public page (a bare IP address, a staging/preprod/dev host), else None."""
    name = host(url)
    if not name:
        return None
    try:
        ipaddress.ip_address(name.strip("[]"))
        return f"{name} is a bare IP address"
    except ValueError:
        pass
    for label in subdomain_labels(name):
        if NON_PRODUCTION_LABEL.match(label):
            return f"{name} is a non-production host ({label!r})"
    return None


class Registry:
    """The registry's rows by domain; `find` gives the outlet of an address (most specific entry wins)."""

    def __init__(self, outlets: list[Outlet], file: str = "outlets.csv"):
        self.outlets = list(outlets)
        self.file = file
        self._by_host: dict[str, list[Outlet]] = {}
        for o in self.outlets:
            self._by_host.setdefault(o.host, []).append(o)
        for entries in self._by_host.values():
            entries.sort(key=lambda o: -len(o.path))  # a path prefix before the whole domain

    def __len__(self) -> int:
        return len(self.outlets)

    def find(self, url: str | None) -> Outlet | None:
        """The outlet of an address: its host or the nearest parent domain, a path prefix matching first."""
        name = host(url)
        if not name:
            return None
        path = _path(url).rstrip("/") + "/"
        labels = name.split(".")
        for i in range(len(labels) - 1):
            for entry in self._by_host.get(".".join(labels[i:]), ()):
                if not entry.path or path.lower().startswith(entry.path.lower().rstrip("/") + "/"):
                    return entry
        return None


def refusal(url: str | None, registry: Registry | None = None) -> str | None:
    """Why validation refuses an address (a non-production host or a mirror domain), asking for the original."""
    reason = non_production(url)
    if reason is None and registry is not None:
        entry = registry.find(url)
        if entry is not None and entry.grade == MIRROR:
            reason = f"{host(url)} is a mirror: {entry.notes}"
    if reason is None:
        return None
    return f"{reason}; cite the original address, the page on the outlet's own public site"
