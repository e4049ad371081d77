"""Keymaps are data: keymaps/*.toml map action ids to Textual key names.

Keys for one action are comma-separated alternatives; an alternative with
spaces is a sequence pressed one key after another ("g g", "d d", "] q").
A keymap is checked whole before the app starts; a bad one is refused with a
message naming the file, the line or action, and the problem.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
import unicodedata
from importlib import resources
from pathlib import Path

import platformdirs
from textual.binding import Binding, BindingType
from textual.keys import (
    KEY_NAME_REPLACEMENTS,
    KEY_TO_UNICODE_NAME,
    Keys,
    _character_to_key,
    format_key,
    key_to_character,
)

from newsmark.tui.actions import ACTIONS, scope_of

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
KNOWN_KEYS = {k.value for k in Keys} | set(KEY_NAME_REPLACEMENTS.values()) | set(KEY_TO_UNICODE_NAME)
KEYMAP_SETTINGS = {"extends", "bindings", "description"}
DEFAULT_TEXT_WIDTH = 100  # columns: a readable line, whatever the terminal's width
TEXT_WIDTHS = range(40, 1001)
# The config file's settings, each with what it is for: any other is refused.
CONFIG_SETTINGS = {
    "keymap": "the keymap to start with: default, vim, emacs or a .toml path",
    "bindings": "a table of action id = keys, over that keymap",
    "text_width": f"the reader's longest line, in columns "
    f"({TEXT_WIDTHS.start}-{TEXT_WIDTHS.stop - 1}; default {DEFAULT_TEXT_WIDTH})",
}
SHIPPED = ("default", "vim", "emacs")
SCREENS = ("library", "sources", "reader")
# Given to Textual for an action reachable only by a sequence: a name no terminal sends.
UNBOUND = "newsmark_sequence_only"
# Screens whose search box keeps the focus: it takes every character typed, so a key that
# types one (j, /, ?) never reaches their actions, and their own keys go before the box's
# (vim's ctrl+k moves up the list rather than cutting the search text).
SEARCHING_SCREENS = ("library", "sources")
# The key names of the characters a keyboard types: 'slash', 'j', 'G', 'space'.
TYPED_KEYS = frozenset(_character_to_key(chr(code)) for code in range(32, 127))


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


def normalized_key(key: str) -> str:
    return _character_to_key(key) if len(key) == 1 else key


def alternatives(keys: str) -> list[tuple[str, ...]]:
    """'g g,ctrl+home' -> [('g', 'g'), ('ctrl+home',)], each key normalised."""
    return [tuple(normalized_key(k) for k in alt.split()) for alt in keys.split(",") if alt.strip()]


def _shipped_path(name: str) -> Path:
    return Path(str(resources.files("newsmark.keymaps").joinpath(f"{name}.toml")))


def config_path() -> Path:
    """The user's config file: $NEWSMARK_CONFIG, else config.toml in the user config dir."""
    if env := os.environ.get("NEWSMARK_CONFIG"):
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("newsmark")) / "config.toml"


def resolve_keymap_path(name_or_path: str) -> Path:
    if name_or_path in SHIPPED or not name_or_path.endswith(".toml"):
        path = _shipped_path(name_or_path)
        if not path.exists():
            raise KeymapError(
                f"{name_or_path}: no such keymap (shipped: {', '.join(SHIPPED)}; or give a .toml path)"
            )
        return path
    return Path(name_or_path).expanduser()


def _line_of(source: str, action_id: str) -> str:
    for number, line in enumerate(source.splitlines(), 1):
        if re.match(rf"""\s*["']?{re.escape(action_id)}["']?\s*=""", line):
            return f"line {number}: "
    return ""


def _read_toml(path: Path, kind: str) -> tuple[dict, str]:
    try:
        source = path.read_text(encoding="utf-8")
        return tomllib.loads(source), source
    except FileNotFoundError:
        raise KeymapError(f"{path}: no such {kind} file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise KeymapError(f"{path}: cannot read ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise KeymapError(f"{path}: not valid TOML ({e})") from None


def _apply_bindings(keymap: dict[str, str], bindings: object, path: Path, source: str) -> None:
    if not isinstance(bindings, dict):
        raise KeymapError(f'{path}: [bindings] must be a table of action id = "keys"')
    for action_id, keys in bindings.items():

        def refuse(problem: str, action_id: str = action_id) -> KeymapError:
            # The line is looked up only for an error: it scans the file.
            return KeymapError(f"{path}: {_line_of(source, action_id)}{problem}")

        if action_id not in ACTIONS:
            raise refuse(f"unknown action {action_id!r}")
        if not isinstance(keys, str) or not alternatives(keys):  # "" or "," bind nothing
            raise refuse(f"action {action_id!r}: keys must name at least one key")
        for alternative in keys.split(","):
            for key in alternative.split():
                if not is_valid_key(key):
                    raise refuse(f"action {action_id!r}: {key!r} is not a key Textual knows")
        keymap[action_id] = ",".join(" ".join(alt.split()) for alt in keys.split(","))


def _load(name_or_path: str, seen: tuple[Path, ...]) -> dict[str, str]:
    path = resolve_keymap_path(name_or_path)
    if path in seen:
        raise KeymapError(f"{path}: extends itself (through {', '.join(map(str, seen))})")
    data, source = _read_toml(path, "keymap")
    if unknown := set(data) - KEYMAP_SETTINGS:
        raise KeymapError(f"{path}: unknown setting {sorted(unknown)[0]!r} (allowed: extends, bindings)")
    keymap: dict[str, str] = {}
    if extends := data.get("extends"):
        keymap.update(_load(str(extends), (*seen, path)))
    _apply_bindings(keymap, data.get("bindings", {}), path, source)
    return keymap


def _complete(keymap: dict[str, str], path: Path | str) -> dict[str, str]:
    if missing := [a for a in ACTIONS if a not in keymap]:
        raise KeymapError(f'{path}: no keys for {", ".join(missing)} (extends = "default"?)')
    for action_id in keymap:
        scope = scope_of(action_id)
        if scope in SEARCHING_SCREENS and not keys_on(keymap, action_id, scope):
            screens = f"{scope}'" if scope.endswith("s") else f"{scope}'s"  # the sources' box
            raise KeymapError(
                f"{path}: {_line_of_any(path, action_id)}action {action_id!r}: "
                f"{display_keys(keymap[action_id])!r} would type into the {screens} search box; "
                "bind a key that types nothing (ctrl+..., a function key, an arrow)"
            )
    check_clashes(keymap, path)
    return keymap


def load_keymap(name_or_path: str = "default") -> dict[str, str]:
    """The full keymap (action id -> keys), with `extends` resolved and checked."""
    path = resolve_keymap_path(name_or_path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0  # _load reports the missing file
    return dict(_checked_keymap(name_or_path, stamp))


@functools.lru_cache(maxsize=16)
def _checked_keymap(name_or_path: str, stamp: int) -> dict[str, str]:
    # Cached by file and modification time: the start path loads the default keymap twice.
    return _complete(_load(name_or_path, ()), resolve_keymap_path(name_or_path))


def load_active_keymap(choice: str | None = None, config: Path | None = None) -> tuple[str, dict[str, str]]:
    """The keymap to run with: `choice` (--keymap), else the config file's `keymap`,
    else default; then the config file's own [bindings] over it. Returns (name, keymap)."""
    config = config or config_path()
    data, source = _read_config(config)
    name = choice or str(data.get("keymap", "default"))
    keymap = _load(name, ())
    if "bindings" in data:
        _apply_bindings(keymap, data["bindings"], config, source)
        name += f" + {config}"
    return name, _complete(keymap, config if "bindings" in data else resolve_keymap_path(name))


def configured_text_width(config: Path | None = None) -> int:
    """The reader's longest line: the config file's `text_width`, else DEFAULT_TEXT_WIDTH."""
    data, _ = _read_config(config or config_path())
    return int(data.get("text_width", DEFAULT_TEXT_WIDTH))


def _read_config(config: Path) -> tuple[dict, str]:
    """The config file's settings (none when there is no file), checked; and its source."""
    if not config.exists():
        return {}, ""
    data, source = _read_toml(config, "config")
    if unknown := set(data) - set(CONFIG_SETTINGS):
        allowed = "; ".join(f"{name}: {what}" for name, what in CONFIG_SETTINGS.items())
        raise KeymapError(f"{config}: unknown setting {sorted(unknown)[0]!r} (allowed: {allowed})")
    width = data.get("text_width", DEFAULT_TEXT_WIDTH)
    if isinstance(width, bool) or not isinstance(width, int) or width not in TEXT_WIDTHS:
        raise KeymapError(
            f"{config}: text_width must be a whole number of columns from {TEXT_WIDTHS.start} "
            f"to {TEXT_WIDTHS.stop - 1}, not {width!r}"
        )
    return data, source


def check_clashes(keymap: dict[str, str], path: Path | str) -> None:
    """Refuse two actions on one key (or one a prefix of the other's sequence) where
    both could fire: the same screen, or app-wide and a screen."""
    owner: dict[tuple[str, tuple[str, ...]], str] = {}
    for action_id, keys in keymap.items():
        scope = scope_of(action_id)
        scopes = SCREENS if scope == "app" else (scope,)
        for alt in alternatives(keys):
            for s in scopes:
                for (other_scope, other_alt), other in owner.items():
                    if other_scope != s or other == action_id:
                        continue
                    short, long_ = sorted((alt, other_alt), key=len)
                    if long_[: len(short)] == short:
                        what = "key" if alt == other_alt else "key sequence"
                        raise KeymapError(
                            f"{path}: {_line_of_any(path, action_id)}{what} {' '.join(alt)!r} is bound "
                            f"to both {other!r} and {action_id!r}"
                        )
                owner[(s, alt)] = action_id


def _line_of_any(path: Path | str, action_id: str) -> str:
    try:
        return _line_of(Path(path).read_text(encoding="utf-8"), action_id)
    except OSError:
        return ""


def types_a_character(key: str) -> bool:
    """'j', 'slash', 'shift+a': keys a search box takes as typing."""
    *mods, base = key.split("+")
    return not set(mods) - {"shift"} and base in TYPED_KEYS


def keys_on(keymap: dict[str, str], action_id: str, screen: str | None) -> str:
    """The keys of `action_id` that work on `screen` (None: every screen): on a screen
    whose search box has the focus, not those that type a character."""
    screens = SCREENS if screen is None else (screen,)
    if not any(s in SEARCHING_SCREENS for s in screens):
        return keymap[action_id]
    return ",".join(" ".join(alt) for alt in alternatives(keymap[action_id]) if not types_a_character(alt[0]))


def textual_keymap(keymap: dict[str, str]) -> dict[str, str]:
    """What Textual's App.set_keymap takes: single keys only (sequences are ours); a
    searching screen's actions without the keys that type (they would steal typing)."""
    result = {}
    for action_id, keys in keymap.items():
        scope = scope_of(action_id)
        usable = keys_on(keymap, action_id, scope) if scope in SEARCHING_SCREENS else keys
        singles = [alt[0] for alt in alternatives(usable) if len(alt) == 1]
        result[action_id] = ",".join(singles) or UNBOUND
    return result


def key_sequences(keymap: dict[str, str]) -> dict[str, dict[tuple[str, ...], str]]:
    """Per screen scope, each multi-key sequence and the action id it runs."""
    result: dict[str, dict[tuple[str, ...], str]] = {s: {} for s in SCREENS}
    for action_id, keys in keymap.items():
        scope = scope_of(action_id)
        for alt in alternatives(keys):
            if len(alt) > 1:
                for s in SCREENS if scope == "app" else (scope,):
                    result[s][alt] = action_id
    return result


DEFAULT_KEYMAP = load_keymap("default")


def bindings_for(scope: str) -> list[BindingType]:
    """The Textual bindings of one scope, with their ids, keyed by the default keymap."""
    return [
        Binding(
            textual_keymap(DEFAULT_KEYMAP)[spec.id],
            spec.method,
            spec.description,
            show=spec.show,
            id=spec.id,
            tooltip=spec.id,
            priority=scope in SEARCHING_SCREENS,
        )
        for spec in ACTIONS.values()
        if scope_of(spec.id) == scope
    ]


def display_keys(keys: str, *, first_only: bool = False) -> str:
    """Keys as a person reads them: 'g g, ctrl+home', '$', '/' (not 'dollar_sign');
    `first_only`: the first of the alternatives alone ('g g')."""

    def one(key: str) -> str:
        *mods, base = key.split("+")
        shown = key_to_character(base) if len(base) > 1 else base
        shown = shown if shown and shown.isprintable() and shown != " " else format_key(base)
        return "+".join([*mods, shown])

    shown = alternatives(keys)[:1] if first_only else alternatives(keys)
    return ", ".join(" ".join(one(k) for k in alt) for alt in shown)
