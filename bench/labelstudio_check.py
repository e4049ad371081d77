"""The labelstudio export checked in a real Label Studio: a script to run by hand, not a test.

Label Studio is heavy (Django and about a hundred packages, pinned): it gets a venv of its
own. From the repository root:

    python3 -m venv /tmp/ls-venv && /tmp/ls-venv/bin/pip install label-studio
    LABEL_STUDIO_USERNAME=checker@example.com LABEL_STUDIO_PASSWORD=some-password \\
        .venv/bin/python bench/labelstudio_check.py --label-studio /tmp/ls-venv/bin/label-studio

Options: --label-studio PATH (default: `label-studio` on PATH, else /tmp/ls-venv/bin/label-studio),
--timeout SECONDS to wait for it to start (default 300), --keep DIR (work in DIR and keep
it: the databases, the export, Label Studio's data and log). LABEL_STUDIO_USER_TOKEN sets
the API token (default: a new random one).

What it does, all in a temporary folder, offline:
1. builds a newsmark database of three articles written to be hard on offsets: emoji and
   other characters outside the Basic Multilingual Plane before spans, inside them and
   between them (a skin-tone emoji, a family joined by zero-width joiners, a flag, 𝕏, a
   CJK character of extension B), quotes with speakers (mentions, sources, notes with
   emoji), SOURCE spans, entities, and the date, URL, outlet and author of two of them;
   then exports it as `newsmark export --format labelstudio` does (run_export): the tasks
   and the labeling config;
2. starts Label Studio on 127.0.0.1 on a free port, with its data in the folder and the
   user and token from the environment (token authentication on, as scripts use it), and
   waits until GET /health answers;
3. creates a project with the exported labeling config (Label Studio refuses a config it
   cannot use), imports the tasks with their annotations through its API, and exports the
   project again as JSON (GET /api/projects/ID/export);
4. checks, printing a line for each: every task and region came back as sent; at each
   region's offsets, counted in code points, `data.text` holds the region's words; Label
   Studio's editor puts a selection of those words at those offsets (its own
   `charsToCodePoints`, read from the installed Label Studio's source map and run in
   node on each region's JavaScript offsets); and `newsmark import --format labelstudio`
   of Label Studio's export gives a new database the same annotations, speakers, sources,
   entities, titles and metadata as the first;
5. stops the Label Studio it started.

It prints "all N checks passed" or the failures (exit code 1), and writes
bench/results/labelstudio.json. If Label Studio does not start, it prints the end of its
log and exits with 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "labelstudio.json"
DEFAULT_VENV_BINARY = Path("/tmp/ls-venv/bin/label-studio")

# (text, title, metadata or None, quotes as (words, speaker mention or None, note), SOURCE words,
# entities as (words, label)). Every piece of words occurs once in its text.
ARTICLES = [
    (
        "🐱 Ann Lee said “we are 👋🏽 ready” on 𝕏.\nShe added: “see 🌍 soon”.\n",
        "Cats and hands",
        ("2024-03-05", "https://courier.example/cats", "The Daily Courier", "Bob Ray"),
        [("“we are 👋🏽 ready”", "Ann Lee", "checked 👍 twice"), ("“see 🌍 soon”", None, "")],
        ["Ann Lee"],
        [("Ann Lee", "PERSON")],
    ),
    (
        "Kyiv 🇺🇦 — “We will rebuild 👨‍👩‍👧 homes,” Mayor Vitali Klitschko said on Tuesday.\n"
        "𠜎 is rare; “it counts 𠜎 once,” a linguist noted.\n",
        "Rebuilding",
        ("2024-06-01T09:15:00+00:00", "https://wire.example/kyiv", "Wire", None),
        [
            ("“We will rebuild 👨‍👩‍👧 homes,”", "Mayor Vitali Klitschko", ""),
            ("“it counts 𠜎 once,”", "a linguist", ""),
        ],
        ["Vitali Klitschko"],
        [("Kyiv", "GPE"), ("Vitali Klitschko", "PERSON")],
    ),
    (
        "Café owner Zoë Ðorđević told Le Monde: “Ça va très bien.”\n東京 is Tokyo.\n",
        "Café",
        None,
        [("“Ça va très bien.”", "Zoë Ðorđević", "")],
        [],
        [("Zoë Ðorđević", "PERSON"), ("Le Monde", "ORG"), ("東京", "GPE")],
    ),
]


class Checks:
    def __init__(self) -> None:
        self.passed: list[str] = []
        self.failed: list[str] = []

    def check(self, ok: bool, what: str, detail: str = "") -> None:
        (self.passed if ok else self.failed).append(what if ok else f"{what}: {detail}")
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + ("" if ok or not detail else f" ({detail})"))


def build_database(path: Path):
    from newsmark.store import open_db
    from newsmark.store.annotations import add_annotation
    from newsmark.store.entities import add_entity
    from newsmark.store.ingest import ingest_text
    from newsmark.store.ingest.rows import Metadata
    from newsmark.store.sources.resolve import SpeakerMention, resolve_speakers

    db = open_db(path)
    for n, (text, title, metadata, quotes, sources, entities) in enumerate(ARTICLES, 1):
        article_id, _ = ingest_text(db, text, f"article-{n}.html", title, Metadata(*(metadata or ())))

        def at(words: str, text: str = text) -> tuple[int, int]:
            start = text.index(words)
            return start, start + len(words)

        with db.conn:  # sources as analysis makes them: the quotes naming a speaker get one
            resolve_speakers(db, article_id, [SpeakerMention(s, *at(s)) for _, s, _ in quotes if s])
        for words, speaker, note in quotes:
            mention = at(speaker) if speaker else (None, None)
            add_annotation(
                db,
                article_id,
                *at(words),
                "QUOTE",
                speaker=speaker,
                speaker_start=mention[0],
                speaker_end=mention[1],
                note=note or None,
            )
        for words in sources:
            add_annotation(db, article_id, *at(words), "SOURCE")
        for words, label in entities:
            add_entity(db, article_id, *at(words), label)
    return db


def work_compared(db) -> dict[str, dict]:
    """What a round trip must keep, by article id."""
    from newsmark.store.export import export_items

    return {
        item.article.id: {
            "title": item.article.title,
            "source": item.article.source,
            "publication": item.article.publication(),
            # Every field but when it was made: the import makes it again.
            "annotations": [
                {k: v for k, v in asdict(a).items() if k not in ("created_at", "updated_at")}
                for a in item.annotations
            ],
            "entities": [(e.start, e.end, e.label, e.text) for e in item.entities],
        }
        for item in export_items(db)
    }


class LabelStudio:
    """A Label Studio started for this check, stopped (with everything it started) at the end."""

    def __init__(self, binary: Path, data: Path, username: str, password: str, token: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url, self.token, self.log = f"http://127.0.0.1:{self.port}", token, data / "label-studio.log"
        command = [
            str(binary),
            "start",
            "--no-browser",
            "--internal-host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--username",
            username,
            "--password",
            password,
            "--user-token",
            token,
            "--enable-legacy-api-token",  # the `Authorization: Token` header scripts use
        ]
        env = os.environ | {"LABEL_STUDIO_BASE_DATA_DIR": str(data)}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )

    def wait_until_up(self, timeout: float) -> str | None:
        """None when it answers /health; else why not (it ended, or the time ran out)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"label-studio exited with {self.process.returncode}"
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=5) as answer:
                    if b"UP" in answer.read():
                        return None
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(2)
        return f"no answer on {self.url}/health after {timeout:.0f} s"

    def api(self, method: str, path: str, body: object = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path}: HTTP {e.code}: {e.read()[:500]!r}") from e

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its group: the server and what it started
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def editor_code_points(binary: Path, cases: list[tuple[str, int]]) -> list[int] | str:
    """Each (text, JavaScript offset) as Label Studio's editor turns it into the offset it
    saves: its own `charsToCodePoints`, from the installed Label Studio's source map, run in
    node. A string says why it could not be run."""
    if shutil.which("node") is None:
        return "node is not installed"
    python = binary.parent / "python"
    found = subprocess.run(
        [
            str(python),
            "-c",
            "import label_studio, pathlib; print(pathlib.Path(label_studio.__file__).parent.parent)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    dist = Path(found.stdout.strip()) / "web" / "dist" / "apps" / "labelstudio"
    source = None
    for source_map in sorted(dist.glob("*.js.map")):
        mapped = json.loads(source_map.read_text(encoding="utf-8"))
        for name, content in zip(mapped["sources"], mapped.get("sourcesContent") or [], strict=False):
            if name.endswith("editor/src/utils/selection-tools.js") and content:
                source = content
    if source is None:
        return f"no editor/src/utils/selection-tools.js in the source maps under {dist}"
    function = re.search(r"export const charsToCodePoints = .*?\n};\n", source, re.DOTALL)
    if function is None:
        return "this Label Studio has no charsToCodePoints: it may save offsets in UTF-16 units"
    script = (
        function[0].removeprefix("export ")
        + "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        + "console.log(JSON.stringify(cases.map(([text, position]) =>"
        + " charsToCodePoints({ node: { textContent: text }, position }).position)));\n"
    )
    run = subprocess.run(
        ["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=False
    )
    return json.loads(run.stdout) if run.returncode == 0 else f"node failed: {run.stderr.strip()[:300]}"


def utf16_units(text: str, offset: int) -> int:
    """A code point offset as JavaScript counts it (a browser selection's offset)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def check_round_trip(checks: Checks, sent: list[dict], back: list[dict]) -> None:
    by_id = {t["data"].get("article_id"): t for t in back}
    checks.check(len(back) == len(sent), f"Label Studio exported {len(back)} tasks of {len(sent)} sent")
    for task in sent:
        article_id = task["data"]["article_id"]
        got = by_id.get(article_id)
        if got is None:
            checks.check(False, f"task {article_id} came back")
            continue
        checks.check(got["data"] == task["data"], f"task {article_id}: data (text, title, metadata) as sent")
        results = [r for a in got.get("annotations", []) for r in a.get("result", [])]
        missing = [
            r for r in task["annotations"][0]["result"] if not any(r.items() <= g.items() for g in results)
        ]
        checks.check(
            not missing, f"task {article_id}: all {len(results)} results as sent", f"missing {missing}"
        )
        text = got["data"]["text"]
        wrong = [
            (r["value"]["text"], text[r["value"]["start"] : r["value"]["end"]])
            for r in results
            if r["type"] == "labels" and text[r["value"]["start"] : r["value"]["end"]] != r["value"]["text"]
        ]
        checks.check(not wrong, f"task {article_id}: each region's offsets hold its words", f"{wrong}")


def check_editor(checks: Checks, binary: Path, back: list[dict]) -> None:
    regions = [
        (t["data"]["text"], r["value"])
        for t in back
        for a in t["annotations"]
        for r in a["result"]
        if r["type"] == "labels"
    ]
    # A browser's selection of the region's words, found in the text as a reader finds them
    # (each region's words occur once in these texts), in JavaScript's count: UTF-16 units.
    cases = []
    for text, v in regions:
        where = text.index(v["text"])
        cases += [(text, utf16_units(text, where)), (text, utf16_units(text, where + len(v["text"])))]
    saved = editor_code_points(binary, cases)
    if isinstance(saved, str):
        checks.check(
            False, "Label Studio's editor saves a selection of each region's words at its offsets", saved
        )
        return
    expected = [v[k] for _, v in regions for k in ("start", "end")]
    moved = sum(js != cp for (_, js), cp in zip(cases, expected, strict=True))
    off = [
        (v["text"], pair)
        for (_, v), pair in zip(regions, zip(saved[::2], saved[1::2], strict=True), strict=True)
        if pair != (v["start"], v["end"])
    ]
    checks.check(
        not off,
        f"Label Studio's editor saves a selection of each of {len(regions)} regions' words at its offsets"
        f" ({moved} of {len(cases)} offsets differ in JavaScript's count)",
        f"{off}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    found = shutil.which("label-studio")
    parser.add_argument("--label-studio", type=Path, default=Path(found) if found else DEFAULT_VENV_BINARY)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    username, password = os.environ.get("LABEL_STUDIO_USERNAME"), os.environ.get("LABEL_STUDIO_PASSWORD")
    if not username or not password:
        print(
            "set LABEL_STUDIO_USERNAME and LABEL_STUDIO_PASSWORD (the user this check creates)",
            file=sys.stderr,
        )
        return 2
    if not args.label_studio.exists():
        print(f"{args.label_studio}: no label-studio there (see this script's docstring)", file=sys.stderr)
        return 2
    from newsmark.store import open_db
    from newsmark.store.export.writing import run_export
    from newsmark.store.imports.reading import import_path

    work = args.keep or Path(tempfile.mkdtemp(prefix="newsmark-labelstudio-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "label-studio").mkdir(exist_ok=True)
    checks = Checks()
    db = build_database(work / "sent.db")
    print(run_export(db, "labelstudio", work / "tasks.json", force=True))
    sent = json.loads((work / "tasks.json").read_text(encoding="utf-8"))
    config = (work / "tasks.config.xml").read_text(encoding="utf-8")
    token = os.environ.get("LABEL_STUDIO_USER_TOKEN") or secrets.token_hex(20)
    studio = LabelStudio(args.label_studio, work / "label-studio", username, password, token)
    version = None
    try:
        started = time.monotonic()
        problem = studio.wait_until_up(args.timeout)
        if problem is not None:
            print(
                f"Label Studio did not start: {problem}; the end of its log ({studio.log}):", file=sys.stderr
            )
            print("\n".join(studio.log.read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
            return 2
        print(f"Label Studio answered on {studio.url} after {time.monotonic() - started:.0f} s")
        version = studio.api("GET", "/api/version").get("release")
        project = studio.api("POST", "/api/projects", {"title": "newsmark check", "label_config": config})
        checks.check(
            isinstance(project, dict) and "id" in project, "Label Studio accepts the exported labeling config"
        )
        imported = studio.api("POST", f"/api/projects/{project['id']}/import", sent)
        counts = (imported["task_count"], imported["annotation_count"])
        checks.check(
            counts == (len(sent), len(sent)), f"imported {counts[0]} tasks with {counts[1]} annotations"
        )
        back = studio.api(
            "GET", f"/api/projects/{project['id']}/export?exportType=JSON&download_all_tasks=true"
        )
    except RuntimeError as refused:  # an HTTP error from its API, with what it answered
        print(f"Label Studio refused: {refused}; its log: {studio.log}", file=sys.stderr)
        return 1
    finally:
        studio.stop()
    (work / "label-studio-export.json").write_text(
        json.dumps(back, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    check_round_trip(checks, sent, back)
    check_editor(checks, args.label_studio, back)
    again = open_db(work / "back.db")
    result = import_path(again, work / "label-studio-export.json", "labelstudio")
    checks.check(
        result.errors == [],
        "newsmark import --format labelstudio reads Label Studio's export",
        f"{result.errors}",
    )
    checks.check(
        work_compared(again) == work_compared(db),
        "the import gives the same annotations, speakers, sources, entities, titles and metadata",
    )
    summary = {
        "label_studio": version,
        "tasks": len(sent),
        "regions": sum(r["type"] == "labels" for t in sent for r in t["annotations"][0]["result"]),
        "passed": checks.passed,
        "failed": checks.failed,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    total = len(checks.passed) + len(checks.failed)
    print(
        f"Label Studio {version}: "
        + (
            f"all {total} checks passed"
            if not checks.failed
            else f"{len(checks.failed)} of {total} checks failed"
        )
    )
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
