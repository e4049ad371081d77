"""The import rules of DESIGN.md: store imports neither Textual nor spaCy; nlp not Textual."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def modules_of(package: str) -> list[str]:
    root = REPO / package
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert names, f"no modules found in {root}"
    return names


def loaded_after_importing(modules: list[str]) -> set[str]:
    """Top-level package names in sys.modules after importing `modules` in a fresh interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout))


def test_store_loads_neither_textual_nor_spacy() -> None:
    modules = modules_of("store")
    assert {"store", "store.db", "store.ingest", "store.export.jsonl", "store.export.csv"} <= set(modules)
    loaded = loaded_after_importing(modules)
    assert "store" in loaded
    assert {"textual", "spacy", "thinc", "nlp", "tui"} & loaded == set()


def test_nlp_does_not_load_textual() -> None:
    loaded = loaded_after_importing(modules_of("nlp"))
    assert "nlp" in loaded
    assert {"textual", "tui"} & loaded == set()


def imported_names(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement in the file names, anywhere (inside functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__"
              and node.args and isinstance(node.args[0], ast.Constant)):
            found.append((node.lineno, str(node.args[0].value)))
    return found


FORBIDDEN = {
    "store": {"textual", "spacy", "thinc", "nlp", "tui"},
    "nlp": {"textual", "tui"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_import_statement_anywhere(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files
    bad = [
        f"{path.relative_to(REPO)}:{line}: imports {name}"
        for path in files
        for line, name in imported_names(path)
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert bad == []


def test_the_static_check_sees_lazy_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n"
        "    import spacy\n"
        "    from textual.app import App\n"
        "    return __import__('thinc'), importlib.import_module('tui.app')\n"
    )
    assert [name for _, name in imported_names(sample)] == ["spacy", "textual.app", "thinc", "tui.app"]


def test_the_library_is_shown_without_importing_sqlite_utils(tmp_path: Path) -> None:
    """The start path (a current database, the library's first page) runs on sqlite3
    alone; sqlite-utils is a fifth of the start and is imported after the first paint."""
    from store import open_db
    from store.ingest import ingest_paths

    db_path = tmp_path / "newsmark.db"
    db = open_db(db_path)
    ingest_paths(db, [REPO / "seeds"])
    db.close()
    code = f"""
import asyncio, sys
from tui.app import NewsmarkApp
from tui.keymap import load_keymap

# What imports sqlite-utils after the first paint, left out here.
NewsmarkApp.warm_up = lambda self: None

async def main():
    app = NewsmarkApp({str(db_path)!r}, keymap=load_keymap(), seed_if_empty=False)
    async with app.run_test() as pilot:
        await pilot.press("p", "u")  # search as you type: still sqlite3 alone
        await pilot.pause()
        print(app.screen.article_list.row_count, "sqlite_utils" in sys.modules)

asyncio.run(main())
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    rows, loaded = run.stdout.split()
    assert int(rows) > 0
    assert loaded == "False"
