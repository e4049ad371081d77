"""Resolving an article's speakers to sources: one source per person or organisation
across the corpus, and one per unnamed description in each article ("a spokesperson for
the council" in two articles may be two people: its alias belongs to its article).

A speaker spelled as before goes to the source that spelling belongs to: every alias
points at one source, and the user's corrections (store.source_corrections) move
aliases, so they hold for every later analysis. A new spelling joins the source whose
alias has the same key (store.sources.names: "S. Jaishankar" and "S Jaishankar",
"Sergei Lavrov" and "Sergey Lavrov"); a person's new spelling otherwise joins the one
person of that family name whose given names agree with it ("S." with "Subrahmanyam",
"Aleksandr" with "Alexander"), and never one whose given names disagree. A bare family
name ("Lavrov") joins the one person the article itself names in full so, else the one
such person in the corpus; when the article names two people of that family name
("Mark Kelly", "Scott Kelly"), it joins neither. Anything else is a new source.

The article adds what it says about a person: the titles around their name in its mentions
of them ("Russian Foreign Minister", "council leader", "The port's chief executive, David
Brennan", "David Brennan, the port's chief executive") as roles, and the short forms it calls
them by ("Lavrov") as aliases. A source's kind is the entity label's, but a title for a person
makes a person (the NER reads names as places), a description headed by an organisation noun
is an organisation ("the council"), and a one-word speaker no entity names that the article
writes only where sentences open ("Officials said") is a description.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsmark.store.sources.names import (
    Name,
    alias_key,
    description_kind,
    given_names_agree,
    honoured,
    is_description,
    is_full,
    is_person_role,
    read_mention,
    read_name,
    role_before,
    same_person,
)
from newsmark.store.timestamps import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database

# Entity labels that name an organisation (or a country speaking as one) rather than a person.
ORGANISATION_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC", "LOC"})
MAX_ROLES = 12  # a person quoted across years gathers many; the first ones say who they are
_ROLE_CONTEXT = 80  # characters before a mention searched for the title in front of it


@dataclass(frozen=True)
class SpeakerMention:
    """A speaker as analysis (or the user) gave it: the name or description, and where
    the article mentions them for that attribution (None when it does not)."""

    speaker: str
    start: int | None = None
    end: int | None = None


# What precedes a word that opens a sentence: a full stop (and a closing mark) and spaces, or a line.
_SENTENCE_OPENING = re.compile(r"(?:[.!?][\"”’')\]]*\s+|\n\s*)$")


def source_kind(speaker: str, label: str | None, titled: bool = False) -> str:
    """person, organisation or unnamed. A title for a person around the name (`titled`:
    "union organiser Rachel Okafor") makes a person, whatever the entity label: the NER takes
    names for places and organisations. Else the entity label decides, when the article's
    entities give one; else a description is an organisation when its head noun names one
    ("the council": an organisation speaks, though the article does not name it), unnamed
    otherwise ("a spokesperson for the ministry"); and a name is a person's."""
    if label == "PERSON" or titled:
        return "person"
    if label in ORGANISATION_LABELS:
        return "organisation"
    return description_kind(speaker) if is_description(speaker) else "person"


def _aliases_per_article(db: Database) -> bool:
    """Can an alias belong to one article (schema 0008)? Migration 0006 resolves an older
    database's speakers through this module before then, when every alias is corpus-wide."""
    return any(r[1] == "article_id" for r in db.execute("pragma table_info(source_aliases)"))


class _Article:
    """What one article says about its speakers: entity labels and the people it names."""

    def __init__(self, db: Database, article_id: str) -> None:
        self.id = article_id
        self.per_article_aliases = _aliases_per_article(db)
        row = db.execute("select text from articles where id = ?", [article_id]).fetchone()
        self.text: str = row[0] if row else ""
        self.label_of_text: dict[str, str] = {}
        self.label_at: dict[tuple[int, int], str] = {}
        self.people: dict[str, list[Name]] = {}  # family name -> the full names the article gives it
        for start, end, label, text in db.execute(
            "select start, \"end\", label, text from entities where article_id = ? and status = 'accepted'"
            " order by start",
            [article_id],
        ):
            self.label_of_text.setdefault(text, label)
            self.label_at[(start, end)] = label
            if label == "PERSON":
                self.name_person(read_name(text))

    def name_person(self, name: Name) -> None:
        if name.given and name.surname:
            known = self.people.setdefault(name.surname, [])
            if not any(same_person(name, other) for other in known):
                known.append(name)

    def kind(self, speaker: str, mentions: Sequence[tuple[int, int]]) -> str:
        """The source kind of a speaker the article mentions at these spans."""
        label = self.label(speaker, mentions)
        if label is None and len(speaker.split()) == 1 and self._opens_sentences_only(speaker):
            return description_kind(speaker)  # "Officials said": a common noun opening a sentence
        titled = not is_description(speaker) and self._titled(speaker, mentions, label == "ORG")
        return source_kind(speaker, label, titled)

    def _titled(self, speaker: str, mentions: Sequence[tuple[int, int]], title_only: bool) -> bool:
        """Does a mention give the speaker a role a person holds ("union organiser Rachel
        Okafor")? For a name the NER calls an organisation, a title ("Mayor Ana Ruiz"):
        companies come with descriptions too ("Discount grocer Fairmart"). An honorific
        ("Dr Grace Obi") is a person's whatever the label."""
        name = read_name(speaker)
        for start, end in mentions:
            read = read_mention(self.text[start:end], name)
            if read is not None and any(is_person_role(role, title_only) for role in read[1]):
                return True
            if honoured(self.text[start:end], name):
                return True
        return False

    def _opens_sentences_only(self, word: str) -> bool:
        """Is the word written only where a sentence opens, never inside one?"""
        found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", self.text)]
        return bool(found) and all(
            at == 0 or _SENTENCE_OPENING.search(self.text[max(0, at - 8) : at]) for at in found
        )

    def label(self, speaker: str, mentions: Iterable[tuple[int, int]]) -> str | None:
        if speaker in self.label_of_text:
            return self.label_of_text[speaker]
        return next((self.label_at[m] for m in mentions if m in self.label_at), None)

    def alias_scope(self, kind: str) -> str | None:
        """The article an alias of a source of this kind belongs to: an unnamed source's
        description is its article's only; None for a name, which holds across the corpus."""
        return self.id if kind == "unnamed" and self.per_article_aliases else None

    def full_name_for(self, name: Name) -> Name | None:
        """The one full name this article gives a bare family name; None for none or several."""
        known = self.people.get(name.surname, [])
        return known[0] if len(known) == 1 else None


def _speaker_order(speaker: str) -> tuple[int, str]:
    """Full names first, so that "Lavrov" and "S. Lavrov" find the person the article
    names in full already resolved."""
    name = read_name(speaker)
    return (0 if is_full(name) else 1 if name.given else 2), speaker


def resolve_speakers(db: Database, article_id: str, mentions: Sequence[SpeakerMention]) -> dict[str, int]:
    """Each speaker of the article to its source id, making sources and aliases as needed,
    and adding the roles and short names the article gives them. The caller holds the
    transaction, and refreshes the names of the sources returned (refresh_names) once the
    suggestions naming them are stored."""
    if not mentions:
        return {}
    article = _Article(db, article_id)
    spans: dict[str, list[tuple[int, int]]] = {}
    for m in mentions:
        spans.setdefault(m.speaker, [])
        if m.start is not None and m.end is not None:
            spans[m.speaker].append((m.start, m.end))
    kinds = {s: article.kind(s, spans[s]) for s in spans}
    for speaker, kind in kinds.items():
        if kind == "person":
            article.name_person(read_name(speaker))
    resolved: dict[str, int] = {}
    for speaker in sorted(spans, key=_speaker_order):
        resolved[speaker] = _resolve(db, speaker, kinds[speaker], article)
        if kinds[speaker] == "person":
            _add_evidence(db, resolved[speaker], speaker, spans[speaker], article)
    return resolved


def _aliased(db: Database, alias: str, kind: str, article: _Article) -> int | None:
    """The source this spelling is an alias of, as the article reads it: an unnamed
    description only in this article; a name in this article first (an unnamed
    description the user merged into it), else across the corpus."""
    if not article.per_article_aliases:
        row = db.execute("select source_id from source_aliases where alias = ?", [alias]).fetchone()
    elif article.alias_scope(kind) is not None:
        row = db.execute(
            "select source_id from source_aliases where alias = ? and article_id = ?", [alias, article.id]
        ).fetchone()
    else:
        row = db.execute(
            "select source_id from source_aliases where alias = ? and (article_id = ? or article_id is null)"
            " order by article_id is null limit 1",
            [alias, article.id],
        ).fetchone()
    return row[0] if row is not None else None


def _resolve(db: Database, speaker: str, kind: str, article: _Article) -> int:
    aliased = _aliased(db, speaker, kind, article)
    if aliased is not None:
        return aliased
    key, surname = alias_key(speaker, kind)
    scope = article.alias_scope(kind)
    same_key = db.execute(
        "select a.source_id from source_aliases a join sources s on s.id = a.source_id"
        f" where a.key = ? and s.kind = ? {'and a.article_id = ?' if scope else ''}"
        " order by a.uses desc, a.alias limit 1",
        [key, kind, *([scope] if scope else [])],
    ).fetchone()
    if same_key is not None:
        source_id = same_key[0]
    else:
        found = _person_by_family_name(db, read_name(speaker), article) if surname else None
        source_id = found if found is not None else _new_source(db, speaker, kind)
    _add_alias(db, speaker, source_id, key, surname, scope)
    return source_id


def _person_by_family_name(db: Database, name: Name, article: _Article) -> int | None:
    """The one person source of this family name whose given names agree with `name`."""
    if not name.given:
        full = article.full_name_for(name)
        if full is None and len(article.people.get(name.surname, [])) > 1:
            return None  # the article names two people so: a bare family name is neither
        name = full or name
    given_by_source: dict[int, list[str]] = {}
    for source_id, alias in db.execute(
        "select a.source_id, a.alias from source_aliases a join sources s on s.id = a.source_id"
        " where a.surname = ? and s.kind = 'person'",
        [name.surname],
    ):
        given = read_name(alias).given
        given_by_source.setdefault(source_id, [])
        if given:
            given_by_source[source_id].append(given[0])
    agreeing = [
        source_id
        for source_id, given in given_by_source.items()
        if not name.given or all(given_names_agree(name.given[0], g) for g in given)
    ]
    # A source known by the family name alone agrees with anyone: a named one that agrees goes first.
    named = [source_id for source_id in agreeing if given_by_source[source_id]]
    if name.given and named:
        agreeing = named
    return agreeing[0] if len(agreeing) == 1 else None


def _new_source(db: Database, speaker: str, kind: str, source_id: int | None = None) -> int:
    """A source named after `speaker` (with the id given, when one is)."""
    now = now_iso()
    name = read_name(speaker).display if kind == "person" else speaker.strip()
    record: dict[str, object] = {"id": source_id, "name": name or speaker, "kind": kind, "roles": "[]"}
    new_id = db.table("sources").insert({**record, "created_at": now, "updated_at": now}).last_rowid
    assert new_id is not None  # an insert always gives its row a rowid
    return new_id


def _add_alias(
    db: Database, alias: str, source_id: int, key: str, surname: str | None, article_id: str | None = None
) -> None:
    """An alias across the corpus, or with `article_id` in that article only (_Article.alias_scope)."""
    if article_id is None:
        db.execute(
            "insert or ignore into source_aliases (alias, source_id, key, surname) values (?, ?, ?, ?)",
            [alias, source_id, key, surname],
        )
    else:
        db.execute(
            "insert or ignore into source_aliases (alias, article_id, source_id, key, surname)"
            " values (?, ?, ?, ?, ?)",
            [alias, article_id, source_id, key, surname],
        )


def _add_evidence(
    db: Database, source_id: int, speaker: str, spans: list[tuple[int, int]], article: _Article
) -> None:
    """The roles and short names the article gives a person at the mentions of them."""
    name = read_name(speaker)
    roles = list(name.roles)
    for start, end in spans:
        read = read_mention(article.text[start:end], name)
        if read is None:
            continue  # a pronoun or a role ("he", "the Russian minister")
        mention, mention_roles = read
        roles.extend(mention_roles)
        if not mention_roles and (role := role_before(article.text[max(0, start - _ROLE_CONTEXT) : start])):
            roles.append(role)
        # A bare family name is an alias only where the article names nobody else so.
        if mention.given or article.full_name_for(mention) is not None:
            key, surname = alias_key(mention.display, "person")
            _add_alias(db, mention.display, source_id, key, surname)
    if roles:
        _add_roles(db, source_id, roles)


def _add_roles(db: Database, source_id: int, roles: Iterable[str]) -> None:
    """Add the roles a source does not have yet (compared without case), up to MAX_ROLES."""
    (current,) = db.execute("select roles from sources where id = ?", [source_id]).fetchone()
    kept: list[str] = json.loads(current)
    seen = {r.lower() for r in kept}
    new: list[str] = []
    for role in roles:
        if role.lower() not in seen and len(kept) + len(new) < MAX_ROLES:
            new.append(role)
            seen.add(role.lower())
    if new:
        db.execute(
            "update sources set roles = ?, updated_at = ? where id = ?",
            [json.dumps(kept + new, ensure_ascii=False), now_iso(), source_id],
        )


def best_name(kind: str, aliases: Sequence[tuple[str, int]]) -> str | None:
    """The name to show for a source with these (alias, uses): for a person the fullest
    spelling ("Sergey Lavrov" over "S. Lavrov" over "Lavrov"), the one used most among
    those, without titles; for others the spelling used most."""

    def rank(alias_uses: tuple[str, int]) -> tuple:
        alias, uses = alias_uses
        if kind != "person":
            return (uses, -len(alias), alias)
        name = read_name(alias)
        return (is_full(name), bool(name.given), uses, len(name.words), alias)

    if not aliases:
        return None
    alias = max(aliases, key=rank)[0]
    return (read_name(alias).display or alias) if kind == "person" else alias


def refresh_names(db: Database, source_ids: Iterable[int]) -> None:
    """Each source's canonical name from its aliases, unless the user named it."""
    for source_id in set(source_ids):
        row = db.execute("select name, kind, user_named from sources where id = ?", [source_id]).fetchone()
        if row is None or row[2]:
            continue
        aliases = [
            (r[0], r[1])
            for r in db.execute(
                "select alias, sum(uses) from source_aliases where source_id = ? group by alias", [source_id]
            )
        ]
        name = best_name(row[1], aliases)
        if name is not None and name != row[0]:
            db.execute(
                "update sources set name = ?, updated_at = ? where id = ?", [name, now_iso(), source_id]
            )


def _unattached(db: Database, article_id: str) -> list[SpeakerMention]:
    return [
        SpeakerMention(speaker, start, end)
        for speaker, start, end in db.execute(
            "select speaker, speaker_start, speaker_end from suggestions where article_id = ?"
            " and speaker is not null and source_id is null",
            [article_id],
        )
    ]


def _attach(db: Database, article_id: str) -> set[int]:
    resolved = resolve_speakers(db, article_id, _unattached(db, article_id))
    for speaker, source_id in resolved.items():
        db.execute(
            "update suggestions set source_id = ? where article_id = ? and speaker = ? and source_id is null",
            [source_id, article_id, speaker],
        )
    return set(resolved.values())


def attach_sources(db: Database, article_id: str) -> None:
    """Give every suggestion of the article that names a speaker but has no source yet its
    source (a decided one analysis left as it was, one an import brought). The caller
    holds the transaction."""
    refresh_names(db, _attach(db, article_id))


def attach_sources_everywhere(db: Database) -> None:
    """Sources for a database analysed before they existed: every suggestion's speaker
    resolved (attach_sources), each alias's uses counted, each source named; and each
    annotation whose speaker is spelled as an alias given its source, as the annotations'
    trigger (schema 0006) gives new ones. The caller holds the transaction."""
    touched: set[int] = set()
    for (article_id,) in db.execute(
        "select distinct article_id from suggestions where speaker is not null and source_id is null"
    ).fetchall():
        touched |= _attach(db, article_id)
    db.execute(
        "update source_aliases set uses = n.uses from"
        " (select speaker, count(*) as uses from suggestions where speaker is not null group by speaker) n"
        " where n.speaker = source_aliases.alias"
    )
    db.execute(
        "update annotations set source_id = a.source_id from source_aliases a"
        " where a.alias = annotations.speaker and annotations.source_id is null"
    )
    refresh_names(db, touched)


def restore_source(db: Database, annotation_id: int, source_id: int | None, source_name: str) -> None:
    """An imported annotation's source, as the export it came from named it (`source_id`,
    `source_name`): the source of that id when it bears that name, else the one that name
    resolves to, made with that id when the id and the name are new here (as an import
    keeps an annotation's id), so that exporting again writes the same. The annotation's
    speaker spelling becomes an alias of it. The caller holds the transaction."""
    article_id, speaker = db.execute(
        "select article_id, speaker from annotations where id = ?", [annotation_id]
    ).fetchone()
    kind = source_kind(source_name, None)
    article = _Article(db, article_id)
    restored = _restored(db, article, source_id, source_name, kind)
    if speaker is not None:
        _add_alias(db, speaker, restored, *alias_key(speaker, kind), article.alias_scope(kind))
    db.execute("update annotations set source_id = ? where id = ?", [restored, annotation_id])


def _restored(db: Database, article: _Article, source_id: int | None, source_name: str, kind: str) -> int:
    if source_id is not None:
        row = db.execute("select name from sources where id = ?", [source_id]).fetchone()
        if row is not None and row[0] == source_name:
            return source_id
        if row is None and _aliased(db, source_name, kind, article) is None:
            _new_source(db, source_name, kind, source_id)
            _add_alias(db, source_name, source_id, *alias_key(source_name, kind), article.alias_scope(kind))
            return source_id
    return _resolve(db, source_name, kind, article)
