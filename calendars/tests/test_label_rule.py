"""A widget label's rule is one rule: the model's validator and the API schema's
pattern accept exactly the same characters, so a client that checks a label
against the published pattern is never refused by the server for it."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from calendars.api.serializers import LABEL_PATTERN
from calendars.validators import validate_label


def _accepted_by_validator(value: str) -> bool:
    try:
        validate_label(value)
    except ValidationError:
        return False
    return True


def test_schema_pattern_and_validator_accept_the_same_characters():
    pattern = re.compile(LABEL_PATTERN)
    disagreements = []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # lone surrogates are not text
        label = f"a{chr(code)}b"
        if bool(pattern.match(label)) != _accepted_by_validator(label):
            disagreements.append(f"U+{code:04X}")
    assert disagreements == []


@pytest.mark.parametrize(
    "label",
    ["¡Apúntate ya!", "Reserve → 15 €", "Niño, señal ✓", "Free · Gratis", "100% fun!"],
)
def test_labels_in_spanish_and_english_with_symbols_are_accepted(label):
    assert re.match(LABEL_PATTERN, label)
    validate_label(label)


@pytest.mark.parametrize(
    ("label", "named"),
    [
        ("Book\u200bnow", "U+200B"),  # zero-width space
        ("Book\u00a0now", "U+00A0"),  # no-break space
        ("Book<now", "<"),
        ("Book\u0007", "U+0007"),
    ],
)
def test_a_refused_label_names_the_character_even_when_invisible(label, named):
    with translation.override("es"), pytest.raises(ValidationError) as refused:
        validate_label(label)
    assert refused.value.messages == [
        "Los textos son texto plano: estos caracteres no están permitidos: " + named
    ]
