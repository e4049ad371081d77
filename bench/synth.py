"""Synthetic articles for the benchmark: the seeds' sentences recombined.

Deterministic from a seed, so two runs measure the same data. Each article gets
a headline (a seed sentence cut short, numbered so titles are unique), then
paragraphs of seed sentences drawn at random: real news prose, with real
entities and quotes, at any scale.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# A sentence ends at . ! ? (optionally a closing quote) followed by space; good enough for prose.
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"]))\s+")


def seed_sentences(seeds_dir: Path = SEEDS) -> list[str]:
    sentences: list[str] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            for sentence in SENTENCE_END.split(paragraph.strip()):
                if len(sentence.split()) >= 4:
                    sentences.append(sentence.strip())
    return sentences


def synthetic_articles(
    n: int, *, seed: int = 1, min_sentences: int = 4, max_sentences: int = 24
) -> Iterator[tuple[str, str]]:
    """(file stem, text) for `n` articles; the same `seed` gives the same articles."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    for i in range(n):
        head = rng.choice(sentences).split()
        title = " ".join(head[: rng.randint(5, 12)]).rstrip(".,;:") + f" (no. {i})"
        body = [rng.choice(sentences) for _ in range(rng.randint(min_sentences, max_sentences))]
        paragraphs = [" ".join(body[j : j + 3]) for j in range(0, len(body), 3)]
        yield f"{i:06d}", title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def long_article(words: int, *, seed: int = 2) -> str:
    """One article of about `words` words (for the reader's worst case)."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    parts = ["A very long article, for the benchmark"]
    count = 0
    while count < words:
        paragraph = " ".join(rng.choice(sentences) for _ in range(4))
        parts.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(parts) + "\n"


def write_articles(folder: Path, n: int, *, seed: int = 1) -> list[Path]:
    """Write `n` synthetic articles as .txt files under `folder` (100 per sub-folder)."""
    paths = []
    for stem, text in synthetic_articles(n, seed=seed):
        sub = folder / stem[:4]
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"{stem}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
