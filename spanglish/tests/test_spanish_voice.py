"""Spanish speaks with one voice: "tú", never "usted" — in our own catalog and in
the Django messages visitors read (form errors, password rules, the CSRF page),
which spanglish/django_overrides.py keeps in our catalog with tú translations."""

import ast
import re
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po
from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.views.csrf import csrf_failure

import spanglish.django_overrides

OUR_CATALOG = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
DJANGO = Path(django.__file__).parent
DJANGO_CATALOGS = [
    DJANGO / "conf" / "locale" / "es" / "LC_MESSAGES" / "django.po",
    DJANGO / "contrib" / "auth" / "locale" / "es" / "LC_MESSAGES" / "django.po",
]

# How "usted" shows: the word itself; the formal imperatives that open a sentence
# ("Introduzca un número", "Por favor, revise…"; the same forms after "que" are
# subjunctives, as in "que el proveedor confirme el pago", and fine); and "Su/Sus"
# opening a sentence about the reader's things ("Su contraseña debe…").
FORMAL_IMPERATIVES = (
    "introduzca|introduza|ingrese|haga|revise|pulse|compruebe|asegúrese|escoja|elija"
    "|seleccione|indique|escriba|vuelva|inténtelo|envíe|marque|corrija|confirme"
    "|contacte|utilice|espere|consulte|póngase|desmarque|habilite|observe|elimínelos"
    "|disculpe|pague|reserve|cancele|abra|use"
)
USTED = re.compile(
    r"\b(?:usted|ustedes)\b|\b(?:Ud|Vd)\."
    r"|(?:^|(?<=[.:;!?(,]\s)|(?<=[¡¿])|(?<=favor\s))"
    rf"(?:{FORMAL_IMPERATIVES})\b"
    r"|(?:^|(?<=[.:;!?]\s))Sus? (?:contraseña|cuenta|correo|navegador)",
    re.IGNORECASE | re.MULTILINE,
)


def _strings(path: Path):
    catalog = read_po(path.open("rb"))
    for message in catalog:
        if not message.id:
            continue
        texts = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        yield message, [t for t in texts if t]


def test_our_spanish_catalog_never_says_usted():
    found = [
        (message.id, text)
        for message, texts in _strings(OUR_CATALOG)
        for text in texts
        if USTED.search(text)
    ]
    assert found == []


def _override_msgids() -> list[str]:
    """The msgids marked in django_overrides (the first argument of each call)."""
    tree = ast.parse(Path(spanglish.django_overrides.__file__).read_text())
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in ("gettext_noop", "ngettext_lazy")
    ]


def test_each_override_is_a_django_message_and_has_our_spanish():
    django_ids = {
        message.id if isinstance(message.id, str) else message.id[0]
        for path in DJANGO_CATALOGS
        for message, _texts in _strings(path)
    }
    ours = {
        (message.id if isinstance(message.id, str) else message.id[0]): texts
        for message, texts in _strings(OUR_CATALOG)
    }
    msgids = _override_msgids()
    assert len(msgids) > 40
    # A Django upgrade that rewords a message leaves our line unused: say so.
    assert [m for m in msgids if m not in django_ids] == []
    missing = [m for m in msgids if not ours.get(m)]
    assert missing == []
    assert [m for m in msgids if any(USTED.search(t) for t in ours[m])] == []


class _Booking(forms.Form):
    email = forms.EmailField()
    name = forms.CharField(min_length=3, max_length=5)
    side = forms.ChoiceField(choices=[("es", "es")])
    seats = forms.IntegerField(max_value=4)


def test_form_errors_a_visitor_sees_speak_tu():
    with translation.override("es"):
        form = _Booking({"email": "x", "name": "ab", "side": "fr", "seats": "9"})
        assert not form.is_valid()
        errors = [str(e) for field in form.errors.values() for e in field]
        form = _Booking({"email": "", "name": "abcdefg", "side": "es", "seats": "x"})
        form.is_valid()
        errors += [str(e) for field in form.errors.values() for e in field]
    assert "Escribe una dirección de correo válida." in errors
    assert "Escribe al menos 3 caracteres (ahora hay 2)." in errors
    assert "Escribe como máximo 5 caracteres (ahora hay 7)." in errors
    assert (
        "Elige una opción válida. fr no es una de las opciones disponibles." in errors
    )
    assert "Escribe un número entero." in errors
    assert not [e for e in errors if USTED.search(e)]


def test_password_rules_and_forms_speak_tu(member):
    with translation.override("es"):
        with pytest.raises(ValidationError) as short:
            validate_password("12345")
        rules = password_validators_help_texts()
        form = SetPasswordForm(
            member,
            {"new_password1": "a-long-enough-pass", "new_password2": "different-one-x"},
        )
        assert not form.is_valid()
        mismatch = [str(e) for e in form.errors["new_password2"]]
    messages = [*short.value.messages, *rules, *mismatch]
    assert "Tu contraseña tiene que tener al menos 12 caracteres." in rules
    assert "Esta contraseña solo tiene números." in short.value.messages
    assert "Las dos contraseñas no coinciden." in mismatch
    assert not [m for m in messages if USTED.search(m)]


def test_csrf_failure_page_speaks_tu(rf):
    with translation.override("es"):
        request = rf.post("/es/")
        html = csrf_failure(request, reason="CSRF cookie not set.").content.decode()
    assert "Acceso denegado" in html
    assert "Ves este mensaje porque este sitio necesita una cookie CSRF" in html
    assert not USTED.search(html)
