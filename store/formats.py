"""Every format newsmark writes or reads: one registry per direction, the one place a format is declared.

`newsmark export --format` and `newsmark import --format` (their choices and --help), the
app's export dialog, and the code that runs an export or an import all read these two
registries; a new format is its module plus one entry here. Writers and readers are named
by "module:function" and imported only when a format is used: listing the formats imports
none of them (the command line's --help stays light), and the spaCy writer lives in nlp,
which store never imports.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal


@dataclass(frozen=True)
class Companion:
    """A second file a format writes beside its export, named `<stem of the export><suffix>`."""

    suffix: str
    what: str  # how the summary line names it


@dataclass(frozen=True)
class ExportFormat:
    """One export format. `writes` says what its writer makes, and so how it is called:

    - "text": `writer(items, stream) -> count`, into a file or standard output;
    - "binary": `writer(items, path) -> count`, a file, never standard output;
    - "folder": `writer(items, folder) -> count`, files into a folder that exists.

    The writer of a format with a `companion` returns (count, the companion's text).
    """

    name: str
    description: str  # one phrase, for --help
    suffix: str  # of the file name the app proposes; "" for a folder
    writes: Literal["text", "binary", "folder"]
    writer: str  # "module:function"
    counts: str = "article"  # what the count in "wrote N ... to OUT" counts
    companion: Companion | None = None
    needs_spacy: bool = False  # its writer imports spaCy

    def load_writer(self) -> Callable[..., Any]:
        return pkgutil.resolve_name(self.writer)


@dataclass(frozen=True)
class ImportFormat:
    """One import format: `reader(db, path, result, encoding=None)` adds what `path` holds, reporting
    in `result`; `encoding` is the user's --encoding, for the reader to decode with (ingest.decode).

    A "file" format reads one file; a "folder" format reads a folder, or one file of the set.
    When `newsmark import` is not told the format, a folder goes to the first folder format,
    a file whose suffix is in `suffixes` to that format, anything else to DEFAULT_IMPORT_FORMAT.
    """

    name: str
    description: str  # one phrase, for --help
    reads: Literal["file", "folder"]
    reader: str  # "module:function"
    suffixes: tuple[str, ...] = ()
    nothing: str = "no records"  # what an input with nothing to import has: "{path}: {nothing} to import"

    def load_reader(self) -> Callable[..., None]:
        return pkgutil.resolve_name(self.reader)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            name="jsonl",
            description="one line per article, Prodigy's field names (spans, relations, entities, quotes)",
            suffix=".jsonl",
            writes="text",
            writer="newsmark.store.export.jsonl:write_jsonl",
        ),
        ExportFormat(
            name="csv",
            description="one row per annotation",
            suffix=".csv",
            writes="text",
            writer="newsmark.store.export.csv:write_csv",
            counts="annotation",
        ),
        ExportFormat(
            name="spacy",
            description="a DocBin (.spacy) for spacy train",
            suffix=".spacy",
            writes="binary",
            writer="newsmark.nlp.export_spacy:write_spacy",
            needs_spacy=True,
        ),
        ExportFormat(
            name="conll",
            description="CoNLL-2003 IOB for the entities",
            suffix=".conll",
            writes="text",
            writer="newsmark.store.export.conll:write_conll",
        ),
        ExportFormat(
            name="brat",
            description="a folder of .txt/.ann files",
            suffix="",
            writes="folder",
            writer="newsmark.store.export.brat:write_brat",
        ),
        ExportFormat(
            name="doccano",
            description="doccano's JSONL",
            suffix=".doccano.jsonl",
            writes="text",
            writer="newsmark.store.export.doccano:write_doccano",
        ),
        ExportFormat(
            name="labelstudio",
            description="Label Studio tasks JSON (and its labeling config)",
            suffix=".labelstudio.json",
            writes="text",
            writer="newsmark.store.export.labelstudio:write_labelstudio",
            companion=Companion(suffix=".config.xml", what="labeling config for Label Studio"),
        ),
    )
}

IMPORT_FORMATS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat(
            name="jsonl",
            description="newsmark's export or Prodigy-style lines",
            reads="file",
            reader="newsmark.store.imports.jsonl:import_jsonl",
        ),
        ImportFormat(
            name="brat",
            description="a folder of .txt/.ann (or one pair)",
            reads="folder",
            reader="newsmark.store.imports.brat:import_brat",
            suffixes=(".ann", ".txt"),
            nothing="no .txt/.ann pairs",
        ),
        ImportFormat(
            name="doccano",
            description="doccano's JSONL",
            reads="file",
            reader="newsmark.store.imports.doccano:import_doccano",
        ),
        ImportFormat(
            name="labelstudio",
            description="Label Studio's JSON export (tasks with annotations)",
            reads="file",
            reader="newsmark.store.imports.labelstudio:import_labelstudio",
            suffixes=(".json",),
            nothing="no tasks",
        ),
    )
}
DEFAULT_IMPORT_FORMAT = "jsonl"


def import_format_for(path: Path) -> ImportFormat:
    """The format `path` is read as when none is given."""
    for f in IMPORT_FORMATS.values():
        if (f.reads == "folder" and path.is_dir()) or path.suffix.lower() in f.suffixes:
            return f
    return IMPORT_FORMATS[DEFAULT_IMPORT_FORMAT]
