"""Split a post into front matter and body with python-frontmatter, safely."""

import re
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from app.parse.decode import UnreadableFile

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TITLE_LINE = re.compile(r"^title:[ \t]*(?P<value>.+)$", re.MULTILINE)
MAX_FRONT_MATTER = 256 * 1024


class _SafeYAMLHandler(YAMLHandler):
    """YAML front matter without anchors or aliases: Hexo never uses them and they allow alias bombs."""

    def load(self, fm: str, **kwargs: Any) -> Any:
        if len(fm) > MAX_FRONT_MATTER:
            raise UnreadableFile(f"front matter larger than {MAX_FRONT_MATTER // 1024} KiB")
        if "&" in fm or "*" in fm:
            _reject_aliases(fm)
        return yaml.load(fm, Loader=_LOADER)  # noqa: S506 - a safe loader


def _reject_aliases(fm: str) -> None:
    for token in yaml.scan(fm, Loader=_LOADER):
        if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
            raise UnreadableFile("front matter uses YAML anchors or aliases, which posts never need")


def _repair_title(text: str) -> str | None:
    """Requote a title line holding both quote kinds (invalid YAML the crawler wrote); None if no title."""
    match = _TITLE_LINE.search(text)
    if match is None:
        return None
    raw = match.group("value").strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        raw = raw[1:-1]
    quoted = '"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text[: match.start("value")] + quoted + text[match.end("value") :]


def split(text: str) -> tuple[dict[str, Any], str, list[str]]:
    """Return (metadata, body, warnings); raise UnreadableFile for front matter that cannot be read."""
    handler = _SafeYAMLHandler()
    try:
        post = frontmatter.loads(text, handler=handler)
        warnings: list[str] = []
    except yaml.YAMLError as exc:
        repaired = _repair_title(text)
        if repaired is None:
            raise UnreadableFile(f"invalid YAML front matter: {_first_line(exc)}") from None
        try:
            post = frontmatter.loads(repaired, handler=handler)
        except yaml.YAMLError:
            raise UnreadableFile(f"invalid YAML front matter: {_first_line(exc)}") from None
        warnings = ["title line was invalid YAML (mixed quotes); read it verbatim"]
    if not isinstance(post.metadata, dict):
        raise UnreadableFile("front matter is not a mapping of keys to values")
    if not post.metadata and not text.lstrip().startswith("---"):
        warnings.append("no front matter; title taken from the file name")
    return dict(post.metadata), post.content, warnings


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
