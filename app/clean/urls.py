"""URL policy: which links and images survive, and in what form."""

import re
from urllib.parse import parse_qs, urlsplit

from app.clean.rules import GENERIC, SITES
from app.clean.textutil import collapse

# Every site's stand-ins and formula services apply everywhere: a Sina logo is no content in any feed.
_PLACEHOLDERS = tuple(
    (host, "/" + path if path else "")
    for site in (GENERIC, *SITES)
    for host, _, path in (entry.partition("/") for entry in site.placeholder_images)
)
_PROXIES = frozenset(host for site in (GENERIC, *SITES) for host in site.image_proxies)
_FORMULAS = tuple(formula for site in (GENERIC, *SITES) for formula in site.formula_images)
# Most image URLs name none of those hosts; one search says so before the URL is taken apart.
_MAY_BE_PLACEHOLDER = re.compile("|".join(re.escape(host) for host, _ in _PLACEHOLDERS), re.I)
_MAY_BE_FORMULA = re.compile("|".join(re.escape(formula.path) for formula in _FORMULAS))
# Pure redirectors whose target is the real link.
_REDIRECTS = {"link.zhihu.com": "target"}
_SRCSET_ITEM = re.compile(r"\s*(\S+)(?:\s+(\d+(?:\.\d+)?)[wx])?\s*(?:,|$)")
_URL_JUNK = re.compile(r"[\t\n\r\x00-\x1f]")
_LAZY_SRC_ATTRS = ("data-original", "data-src", "data-actualsrc", "data-lazy-src")


def absolute(url: str | None) -> str | None:
    """The URL as absolute http(s), or None (relative, data:, javascript:, other schemes)."""
    if not url:
        return None
    # Browsers drop tabs and newlines inside URLs; spaces are encoded.
    url = _URL_JUNK.sub("", url.strip()).replace(" ", "%20")
    if url.startswith("//"):
        url = "https:" + url
    lowered = url[:8].lower()
    if not (lowered.startswith("http://") or lowered.startswith("https://")) or len(url) <= 8:
        return None
    return url


def link_target(href: str | None) -> str | None:
    """The href a kept link points to, with redirectors unwrapped."""
    url = absolute(href)
    if url is None:
        return None
    parts = urlsplit(url)
    param = _REDIRECTS.get(parts.hostname or "")
    if param:
        target = parse_qs(parts.query).get(param)
        if target:
            return absolute(target[0]) or url
    return url


def image_source(attrs: dict[str, str | None]) -> str | None:
    """The best absolute URL of an <img>: src, else a lazy-load attribute, else the largest srcset entry."""
    src = absolute(attrs.get("src"))
    if src is not None:
        return src
    for name in _LAZY_SRC_ATTRS:
        src = absolute(attrs.get(name))
        if src is not None:
            return src
    for name in ("srcset", "data-srcset"):
        src = _largest_in_srcset(attrs.get(name))
        if src is not None:
            return src
    return None


def _largest_in_srcset(srcset: str | None) -> str | None:
    """The widest http(s) candidate of a srcset; data: candidates (with their commas) are skipped."""
    if not srcset or "http" not in srcset and "//" not in srcset:
        return None
    best: tuple[float, str] | None = None
    for match in _SRCSET_ITEM.finditer(srcset):
        url = absolute(match.group(1))
        if url is None:
            continue
        size = float(match.group(2) or 1)
        if best is None or size > best[0]:
            best = (size, url)
    return best[1] if best else None


def real_image(url: str | None) -> str | None:
    """An image URL as content shows it: absolute, unwrapped from a proxy; None for a placeholder."""
    found = absolute(url)
    if found is None:
        return None
    found = unwrap_proxy(found)
    return None if is_placeholder_image(found) else found


def unwrap_proxy(url: str) -> str:
    """The original URL that a proxy URL ("https://proxy.example/?http://host/x.jpg") wraps."""
    if "?http" not in url and "?HTTP" not in url:
        return url
    parts = urlsplit(url)
    wraps = parts.query[:8].lower().startswith(("http://", "https://"))
    if wraps and (parts.hostname in _PROXIES or parts.path in ("", "/")):
        return absolute(url.split("?", 1)[1]) or url
    return url


def is_placeholder_image(url: str) -> bool:
    """Whether an image URL is a stand-in (random stock picture, generic logo, default avatar, data: URI)."""
    url = unwrap_proxy(url.strip())
    if not url or url[:5].lower() == "data:":
        return True
    if _MAY_BE_PLACEHOLDER.search(url) is None:
        return False
    parts = urlsplit(url if "//" in url[:8] else "//" + url)
    host = (parts.hostname or "").lower()
    path = parts.path
    return any(
        (host == known or host.endswith("." + known)) and path.startswith(prefix)
        for known, prefix in _PLACEHOLDERS
    )


def formula_tex(url: str) -> str | None:
    """The TeX of a formula drawn as an image ("" when its URL carries none); None for other images."""
    if _MAY_BE_FORMULA.search(url) is None:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for formula in _FORMULAS:
        if (host == formula.host or host.endswith("." + formula.host)) and parts.path == formula.path:
            return collapse(parse_qs(parts.query).get(formula.param, [""])[0]).strip()
    return None
