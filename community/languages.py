"""Members' languages: what they speak natively and what they are learning.

Read by the tickets app to put a member on the right side of a language-split
event, and by the tables grouping to mix languages and levels.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.audit import audit_record
from community.models import LanguageKind, LanguageLevel, LanguageSkill

# ISO 639-1 codes are two lowercase letters; a few three-letter ISO 639-3 codes
# (languages without a two-letter one) are accepted too.


def normalize_language(code: str) -> str:
    code = (code or "").strip().lower()
    if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
        raise ValidationError(
            _("“%(code)s” is not an ISO 639 language code (for example es, en, fr).")
            % {"code": code}
        )
    return code


def native_languages(user) -> set[str]:
    if not getattr(user, "pk", None):
        return set()
    return set(
        LanguageSkill.objects.filter(user=user, kind=LanguageKind.NATIVE).values_list(
            "language", flat=True
        )
    )


@transaction.atomic
def user_set_languages(*, user, skills: list[dict], actor=None) -> list:
    """Replace a member's languages with `skills` ([{language, kind, level}]).

    Native languages carry no level; a language learned needs one. One entry per
    language. Audited.
    """
    cleaned: dict[str, LanguageSkill] = {}
    for raw in skills:
        language = normalize_language(raw.get("language", ""))
        kind = raw.get("kind", "")
        level = raw.get("level", "") or ""
        if kind not in LanguageKind.values:
            raise ValidationError(_("Say whether each language is native or learned."))
        if kind == LanguageKind.NATIVE:
            level = ""
        elif level not in LanguageLevel.values:
            raise ValidationError(
                _("Give your level (A1 to C2) in each language you are learning.")
            )
        if language in cleaned:
            raise ValidationError(
                _("“%(code)s” is listed twice: native or learning, not both.")
                % {"code": language}
            )
        cleaned[language] = LanguageSkill(
            user=user, language=language, kind=kind, level=level
        )
    before = sorted(
        f"{s.language}:{s.kind}:{s.level}"
        for s in LanguageSkill.objects.filter(user=user)
    )
    LanguageSkill.objects.filter(user=user).delete()
    created = LanguageSkill.objects.bulk_create(cleaned.values())
    after = sorted(f"{s.language}:{s.kind}:{s.level}" for s in created)
    if before != after:
        audit_record(
            action="user.languages_changed",
            actor=actor or user,
            target=user,
            changes={"languages": [before, after]},
        )
    return sorted(created, key=lambda s: (s.kind, s.language))
