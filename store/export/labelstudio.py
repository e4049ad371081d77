"""Label Studio: a JSON list of tasks, each with `data` and one entry in `annotations`
whose `result` holds regions of type `labels` (offsets into `data.text`).

Regions, by `from_name` (the labeling config below declares each one):
- `label`: the annotations (QUOTE, SOURCE, ...);
- `entity`: the corrected entities;
- `speaker`: a quote's speaker mention (label `Speaker`), tied to the quote by a
  `relation` region labelled SPEAKER (`from_id` the quote, `to_id` the mention);
- `speaker_name` and `note`: per-region text areas on the quote, with the
  speaker's name and the annotation's note;
- the speaker's source (store.sources: one id and canonical name whatever the spelling) in
  the quote region's `meta`: `text` (what Label Studio shows), `source_id`, `source_name`.
Region ids are `a<annotation id>`, `e<entity id>` and `s<annotation id>`.

Each task's `data` holds the text and, for Label Studio's task list and for the way back,
`article_id`, `title`, `source`, and where and when the article was published: `date`
(ISO 8601), `url`, `outlet` and `author`, each when known.

Offsets are code points, as newsmark's are (Python string indices), because that is how
Label Studio counts them: its editor turns a selection's JavaScript (UTF-16) offsets into
code points before it saves a region (`fixCodePointsInRange` in its
libs/editor/src/utils/selection-tools.js) and places a stored region by code points too
(RichText/domManager.ts splits the text with `[...text]`); its own tests pin "🐱 Warning: This
is a test text" to `test` at 21-25. A character outside the Basic Multilingual Plane (an
emoji) counts one there as here, so no conversion is needed: bench/labelstudio_check.py
checks it against a running Label Studio.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO
from xml.sax.saxutils import quoteattr

from newsmark.store.export import ExportItem, known_publication


def _region(region_id: str, from_name: str, text: str, start: int, end: int, label: str) -> dict:
    return {
        "id": region_id,
        "from_name": from_name,
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def _textarea(region_id: str, from_name: str, text: str, start: int, end: int, value: str) -> dict:
    return {
        "id": region_id,
        "from_name": from_name,
        "to_name": "text",
        "type": "textarea",
        "value": {"start": start, "end": end, "text": [value]},
    }


def task(item: ExportItem) -> dict:
    text = item.article.text
    result: list[dict] = []
    for a in item.annotations:
        rid = f"a{a.id}"
        region = _region(rid, "label", text, a.start, a.end, a.label)
        if a.source_id is not None:
            region["meta"] = {
                "text": [f"source {a.source_id}: {a.source_name}"],
                "source_id": a.source_id,
                "source_name": a.source_name,
            }
        result.append(region)
        if a.speaker is not None:
            result.append(_textarea(rid, "speaker_name", text, a.start, a.end, a.speaker))
        if a.note:
            result.append(_textarea(rid, "note", text, a.start, a.end, a.note))
        if a.speaker_start is not None and a.speaker_end is not None:
            sid = f"s{a.id}"
            result.append(_region(sid, "speaker", text, a.speaker_start, a.speaker_end, "Speaker"))
            result.append(
                {
                    "from_id": rid,
                    "to_id": sid,
                    "type": "relation",
                    "direction": "right",
                    "labels": ["SPEAKER"],
                }
            )
    for e in item.entities:
        result.append(_region(f"e{e.id}", "entity", text, e.start, e.end, e.label))
    return {
        "data": {
            "text": text,
            "article_id": item.article.id,
            "title": item.article.title,
            "source": item.article.source,
            **known_publication(item.article),
        },
        "annotations": [{"result": result}],
    }


def labeling_config(annotation_labels: set[str], entity_labels: set[str]) -> str:
    """The Label Studio labeling config that declares every name the tasks use."""

    def labels(name: str, values: set[str]) -> str:
        inner = "".join(f"    <Label value={quoteattr(v)}/>\n" for v in sorted(values))
        return f'  <Labels name="{name}" toName="text">\n{inner}  </Labels>\n'

    return (
        "<View>\n"
        + labels("label", annotation_labels)
        + labels("entity", entity_labels)
        + labels("speaker", {"Speaker"})
        + '  <Text name="text" value="$text"/>\n'
        + '  <Relations>\n    <Relation value="SPEAKER"/>\n  </Relations>\n'
        + '  <View visibleWhen="region-selected">\n'
        + '    <TextArea name="speaker_name" toName="text" perRegion="true" maxSubmissions="1"/>\n'
        + '    <TextArea name="note" toName="text" perRegion="true" maxSubmissions="1"/>\n'
        + "  </View>\n"
        + "</View>\n"
    )


def write_labelstudio(items: Iterable[ExportItem], out: IO[str]) -> tuple[int, str]:
    """Write the tasks as one JSON list; returns (how many, the labeling config for them)."""
    tasks = []
    annotation_labels: set[str] = set()
    entity_labels: set[str] = set()
    for item in items:
        tasks.append(task(item))
        annotation_labels |= {a.label for a in item.annotations}
        entity_labels |= {e.label for e in item.entities}
    json.dump(tasks, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(tasks), labeling_config(annotation_labels, entity_labels)
