"""The checks the README's test command runs besides the tests: lint, format, import
contracts (DESIGN.md's layering rules, and no import circles) and types."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(args: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_ruff_check_is_clean() -> None:
    result = run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."])
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = run([sys.executable, "-m", "ruff", "format", "--no-cache", "--check", "."])
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_are_kept() -> None:
    """pyproject.toml's [tool.importlinter] contracts, on the installed package."""
    result = run([str(BIN / "lint-imports"), "--no-cache"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and " KEPT" in result.stdout


def test_mypy_is_clean(tmp_path: Path) -> None:
    """mypy over the checkout's sources under their installed names: the repository root
    is the `newsmark` package, so a link named `newsmark` to it gives mypy those names."""
    (tmp_path / "newsmark").symlink_to(REPO, target_is_directory=True)
    packages = [arg for room in ("store", "nlp", "tui", "cli") for arg in ("-p", f"newsmark.{room}")]
    result = run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(REPO / "pyproject.toml"),
            "-m",
            "newsmark",
            *packages,
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
