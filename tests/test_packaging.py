"""What a clean install ships: every module of the checkout, the keymaps and the seeds."""

from __future__ import annotations

import importlib
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for package in ("tui", "store", "nlp")
    for path in (ROOT / package).rglob("*.py")
)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_is_installed(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None


def test_keymaps_and_seeds_ship_as_data() -> None:
    shipped_keymaps = {p.name for p in resources.files("keymaps").iterdir() if p.name.endswith(".toml")}
    assert {p.name for p in (ROOT / "keymaps").glob("*.toml")} <= shipped_keymaps
    shipped_seeds = {p.name for p in resources.files("seeds").iterdir() if p.name.endswith(".txt")}
    assert shipped_seeds == {p.name for p in (ROOT / "seeds").glob("*.txt")} and len(shipped_seeds) == 5
    assert resources.files("tui").joinpath("newsmark.tcss").is_file()
