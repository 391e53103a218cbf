"""URL policy: which links and images survive, and in what form."""

import re
from urllib.parse import parse_qs, urlsplit

# Placeholder images: random stock pictures and the Sina APP QR code that stand in for a missing image.
_PLACEHOLDER_HOSTS = ("picsum.photos", "placehold.it", "placeholder.com", "placekitten.com", "dummyimage.com")
_PLACEHOLDER_PATHS = (
    "n.sinaimg.cn/finance/cece9e13/20200514/343233024.png",  # 新浪财经 APP QR code
    "n.sinaimg.cn/finance/0/w400h400/20220726/a061-3fcaa10d801d4e37e06636fcc145dccb.png",  # 开户 QR code
)
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


def is_placeholder_image(url: str) -> bool:
    """Whether an image URL is a stand-in (random stock picture, APP QR code, data: URI) and not content."""
    url = url.strip()
    if not url or url.lower().startswith("data:"):
        return True
    lowered = url.lower()
    # A proxy such as "https://cors.example.dev/?http://host/x.jpg" wraps the real address.
    inner = lowered.rsplit("?http", 1)[-1] if "?http" in lowered else lowered
    host_and_path = inner.split("://", 1)[-1].lstrip("/")
    host = host_and_path.split("/", 1)[0].split(":", 1)[0]
    if any(host == h or host.endswith("." + h) for h in _PLACEHOLDER_HOSTS):
        return True
    return any(host_and_path.startswith(path) for path in _PLACEHOLDER_PATHS)
