"""The package's folders are the data flow, and imports point one way along it:
api -> query -> store -> text, and cli -> ingest -> parse -> clean -> text; nothing imports api or cli."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# What each layer may import besides itself; `config` (the settings) and the package root are leaves.
ALLOWED: dict[str, set[str]] = {
    "text": set(),
    "clean": {"text"},
    "parse": {"clean", "text"},
    "store": {"text", "config"},
    "query": {"store", "text", "config"},
    "ingest": {"parse", "clean", "store", "text", "config"},
    "api": {"query", "store", "text", "config", "app"},
    "cli": {"ingest", "parse", "clean", "store", "query", "text", "config"},
    "config": set(),
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "app"


def _imported(path: Path) -> set[str]:
    """Every `app...` module the file imports, at the top or in a function (`from app import x`: app.x)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "app":
            found |= {f"app.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return {module for module in found if module.split(".")[0] == "app"}


def _modules() -> list[Path]:
    return sorted(path for path in APP.rglob("*.py") if path.parent != APP or path.name == "config.py")


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(APP)))
def test_imports_point_along_the_data_flow(path: Path) -> None:
    layer = path.relative_to(APP).parts[0].removesuffix(".py")
    wrong = sorted(
        module
        for module in _imported(path)
        if _layer(module) != layer and _layer(module) not in ALLOWED[layer] and module != "app.__version__"
    )
    assert wrong == [], f"{layer} may import only {sorted(ALLOWED[layer])}"


def test_every_layer_is_known() -> None:
    folders = {path.name for path in APP.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    assert folders == set(ALLOWED) - {"config"}


def test_the_check_sees_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from app.api.app import create_app\n    import app.cli\n")
    assert _imported(module) == {"app.api.app", "app.cli"}
