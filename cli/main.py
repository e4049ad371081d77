"""The `newsmark` command: a thin layer over `store` and `nlp`; no subcommand opens the app."""

from __future__ import annotations

from pathlib import Path

import click

from newsmark.cli.analyze import analyze
from newsmark.cli.check import check
from newsmark.cli.common import DEFAULT_MODEL, db_option, fail, model_option
from newsmark.cli.export import export
from newsmark.cli.importing import import_
from newsmark.cli.ingest import ingest
from newsmark.cli.quotes import quotes
from newsmark.cli.search import search
from newsmark.cli.sources import sources
from newsmark.store import StoreError, default_db_path


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.option(
    "--keymap",
    default=None,
    help="Keymap: a shipped one (default, vim, emacs) or a path to a .toml file. Default: the "
    "`keymap` in your config file (config.toml in your user config folder, or $NEWSMARK_CONFIG), "
    "else default. The config file's [bindings] table overrides single actions by id.",
)
@model_option
@click.version_option(package_name="newsmark")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, keymap: str | None, model: str | None) -> None:
    """Read news in the terminal, see its entities, tag who said what, export datasets.

    With no command, opens the reader on the database (the bundled sample
    articles are added first when it is empty).
    """
    if ctx.invoked_subcommand is not None:
        return
    from newsmark.tui.keymap import KeymapError, configured_text_width, load_active_keymap

    try:
        keymap_name, active = load_active_keymap(keymap)
        text_width = configured_text_width()
    except KeymapError as e:
        fail(f"keymap refused: {e}")
    from newsmark.tui.app import NewsmarkApp

    try:
        app = NewsmarkApp(
            db_path or default_db_path(),
            keymap=active,
            keymap_name=keymap_name,
            model=model or DEFAULT_MODEL,
            text_width=text_width,
        )
    except StoreError as e:
        fail(str(e))
    app.run()


for command in (ingest, analyze, export, import_, quotes, sources, search, check):
    main.add_command(command)
