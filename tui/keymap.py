"""Keymaps are data: keymaps/*.toml map action ids to Textual key names.

A keymap is checked whole before the app starts; a bad one is refused with a
message naming the file, the action or key, and the problem.
"""

from __future__ import annotations

import tomllib
import unicodedata
from importlib import resources
from pathlib import Path

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys, _character_to_key

from tui.actions import ACTIONS, scope_of

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
KNOWN_KEYS = {k.value for k in Keys} | set(KEY_NAME_REPLACEMENTS.values()) | set(KEY_TO_UNICODE_NAME)
ALLOWED_TOP_LEVEL = {"extends", "bindings", "description"}
SHIPPED = ("default", "vim", "emacs")


class KeymapError(Exception):
    pass


def is_valid_key(key: str) -> bool:
    *mods, base = key.split("+")
    if any(m not in MODIFIERS for m in mods) or not base:
        return False
    if len(base) == 1 or base in KNOWN_KEYS:
        return True
    try:
        unicodedata.lookup(base.replace("_", " "))
    except KeyError:
        return False
    return True


def _shipped_path(name: str) -> Path:
    return Path(str(resources.files("keymaps").joinpath(f"{name}.toml")))


def resolve_keymap_path(name_or_path: str) -> Path:
    if name_or_path in SHIPPED or not name_or_path.endswith(".toml"):
        path = _shipped_path(name_or_path)
        if not path.exists():
            raise KeymapError(
                f"{name_or_path}: no such keymap (shipped: {', '.join(SHIPPED)}; or give a .toml path)"
            )
        return path
    return Path(name_or_path).expanduser()


def load_keymap(name_or_path: str = "default", _seen: tuple[Path, ...] = ()) -> dict[str, str]:
    """The full keymap (action id -> keys), with `extends` resolved and checked."""
    path = resolve_keymap_path(name_or_path)
    if path in _seen:
        raise KeymapError(f"{path}: extends itself (through {', '.join(map(str, _seen))})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeymapError(f"{path}: no such keymap file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise KeymapError(f"{path}: cannot read ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise KeymapError(f"{path}: not valid TOML ({e})") from None
    if unknown := set(data) - ALLOWED_TOP_LEVEL:
        raise KeymapError(f"{path}: unknown setting {sorted(unknown)[0]!r} (allowed: extends, bindings)")
    bindings = data.get("bindings", {})
    if not isinstance(bindings, dict):
        raise KeymapError(f'{path}: [bindings] must be a table of action id = "keys"')
    keymap: dict[str, str] = {}
    if extends := data.get("extends"):
        keymap.update(load_keymap(str(extends), (*_seen, path)))
    for action_id, keys in bindings.items():
        if action_id not in ACTIONS:
            raise KeymapError(f"{path}: unknown action {action_id!r}")
        if not isinstance(keys, str) or not keys.strip():
            raise KeymapError(f"{path}: action {action_id!r}: keys must be a non-empty string")
        for key in (k.strip() for k in keys.split(",")):
            if not is_valid_key(key):
                raise KeymapError(f"{path}: action {action_id!r}: {key!r} is not a key Textual knows")
        keymap[action_id] = keys
    if not _seen:
        if missing := [a for a in ACTIONS if a not in keymap]:
            raise KeymapError(f'{path}: no keys for {", ".join(missing)} (extend "default"?)')
        check_clashes(keymap, path)
    return keymap


def normalized_keys(keys: str) -> list[str]:
    return [_character_to_key(k) if len(k) == 1 else k for k in (k.strip() for k in keys.split(","))]


def check_clashes(keymap: dict[str, str], path: Path) -> None:
    """Two actions on one key where both can fire (same screen, or app-wide) are refused."""
    owner: dict[tuple[str, str], str] = {}
    for action_id, keys in keymap.items():
        scope = scope_of(action_id)
        scopes = ["library", "reader"] if scope == "app" else [scope]
        for key in normalized_keys(keys):
            for s in scopes:
                if (other := owner.get((s, key))) and other != action_id:
                    raise KeymapError(f"{path}: key {key!r} is bound to both {other!r} and {action_id!r}")
                owner[(s, key)] = action_id


DEFAULT_KEYMAP = load_keymap("default")


def bindings_for(scope: str) -> list[Binding]:
    """The Textual bindings of one scope, with their ids, keyed by the default keymap."""
    return [
        Binding(
            DEFAULT_KEYMAP[spec.id],
            spec.method,
            spec.description,
            show=spec.show,
            id=spec.id,
            tooltip=spec.id,
        )
        for spec in ACTIONS.values()
        if scope_of(spec.id) == scope
    ]
