"""What a clean install ships: one importable name, `newsmark`, with every module of the
checkout under it, the keymaps and the seeds; and none of the folders' generic names."""

from __future__ import annotations

import importlib
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("tui", "store", "nlp", "cli")
MODULES = sorted(
    "newsmark." + ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for package in ROOMS
    for path in (ROOT / package).rglob("*.py")
)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_is_installed(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None


def test_keymaps_and_seeds_ship_as_data() -> None:
    keymaps = resources.files("newsmark.keymaps")
    shipped_keymaps = {p.name for p in keymaps.iterdir() if p.name.endswith(".toml")}
    assert {p.name for p in (ROOT / "keymaps").glob("*.toml")} <= shipped_keymaps
    shipped_seeds = {p.name for p in resources.files("newsmark.seeds").iterdir() if p.name.endswith(".txt")}
    assert shipped_seeds == {p.name for p in (ROOT / "seeds").glob("*.txt")} and len(shipped_seeds) == 5
    assert resources.files("newsmark.tui").joinpath("newsmark.tcss").is_file()


def test_only_newsmark_is_importable() -> None:
    """Outside the checkout, the installed environment knows `newsmark` and none of the
    generic names its folders have in the repository."""
    generic = ["store", "tui", "nlp", "keymaps", "seeds", "cli", "tests", "bench"]
    code = (
        "import importlib.util, newsmark, newsmark.cli.main\n"
        f"print(' '.join(n for n in {generic!r} if importlib.util.find_spec(n) is not None))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []
