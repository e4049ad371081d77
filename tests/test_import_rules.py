"""The import rules of DESIGN.md at run time: importing every module of store loads neither
Textual nor spaCy; nlp never loads Textual. (The static rules, lazy imports included, are
import-linter contracts in pyproject.toml, checked by test_checks.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def modules_of(package: str) -> list[str]:
    root = REPO / package
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append("newsmark." + ".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert names, f"no modules found in {root}"
    return names


def loaded_after_importing(modules: list[str]) -> set[str]:
    """Package names in sys.modules after importing `modules` in a fresh interpreter: the
    top-level name, and newsmark's rooms as `newsmark.store`, `newsmark.tui`, ..."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "names = {m.split('.')[0] for m in sys.modules}\n"
        "names |= {'.'.join(m.split('.')[:2]) for m in sys.modules if m.startswith('newsmark.')}\n"
        "print(json.dumps(sorted(names)))\n"
    )
    # Not run from the checkout, whose folders would be importable as top-level names.
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=120)
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout))


def test_store_loads_neither_textual_nor_spacy() -> None:
    modules = modules_of("store")
    assert {
        "newsmark.store",
        "newsmark.store.db",
        "newsmark.store.ingest",
        "newsmark.store.export.jsonl",
        "newsmark.store.export.csv",
    } <= set(modules)
    loaded = loaded_after_importing(modules)
    assert "newsmark.store" in loaded
    assert {"textual", "spacy", "thinc", "newsmark.nlp", "newsmark.tui", "newsmark.cli"} & loaded == set()


def test_nlp_does_not_load_textual() -> None:
    loaded = loaded_after_importing(modules_of("nlp"))
    assert "newsmark.nlp" in loaded
    assert {"textual", "newsmark.tui", "newsmark.cli"} & loaded == set()


def test_the_library_is_shown_without_importing_sqlite_utils(tmp_path: Path) -> None:
    """The start path (a current database, the library's first page) runs on sqlite3
    alone; sqlite-utils is a fifth of the start and is imported after the first paint."""
    from newsmark.store import open_db
    from newsmark.store.ingest import ingest_paths

    db_path = tmp_path / "newsmark.db"
    db = open_db(db_path)
    ingest_paths(db, [REPO / "seeds"])
    db.close()
    code = f"""
import asyncio, sys
from newsmark.tui.app import NewsmarkApp
from newsmark.tui.keymap import load_keymap

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
