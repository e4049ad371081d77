"""Colours for spaCy's entity labels; annotation labels keep theirs in the store."""

ENTITY_COLOURS = {
    "PERSON": "#7ec8e3",
    "NORP": "#c3a6ff",
    "FAC": "#d4a373",
    "ORG": "#86d993",
    "GPE": "#ffb86c",
    "LOC": "#e9c46a",
    "PRODUCT": "#f4a6c6",
    "EVENT": "#ff7b72",
    "WORK_OF_ART": "#d2a8ff",
    "LAW": "#a5d6ff",
    "LANGUAGE": "#b9f6ca",
    "DATE": "#9aa5b1",
    "TIME": "#9aa5b1",
    "PERCENT": "#b8c480",
    "MONEY": "#b8c480",
    "QUANTITY": "#b8c480",
    "ORDINAL": "#8b949e",
    "CARDINAL": "#8b949e",
}
FALLBACK_COLOUR = "#c0c0c0"


def entity_colour(label: str) -> str:
    return ENTITY_COLOURS.get(label, FALLBACK_COLOUR)
