"""The members who asked for news by email — and only them: name, address,
language and when they gave their consent (its history is in the audit trail)."""

from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from backoffice.reports.base import CHUNK_SIZE, Report, local_datetime
from community.models import User


class MembersReport(Report):
    key = "members"

    def title(self) -> str:
        return _("Members")

    def filename(self) -> str:
        return "members-opted-in"

    def header(self) -> list[str]:
        return [
            _("Name"),
            _("Email"),
            _("Preferred language"),
            _("News consent given at"),
            _("Email verified at"),
            _("Member since"),
        ]

    def rows(self) -> Iterator[list]:
        languages = {code: str(name) for code, name in settings.LANGUAGES}
        # news_recipients: active, consented, and the address proven (double
        # opt-in), the same list bulk news goes to.
        members = (
            User.objects.news_recipients()
            .order_by("email")
            .values_list(
                "name",
                "email",
                "language",
                "marketing_consent_at",
                "email_verified_at",
                "date_joined",
            )
        )
        for name, email, language, consent_at, verified_at, joined in members.iterator(
            chunk_size=CHUNK_SIZE
        ):
            yield [
                name,
                email,
                languages.get(language, language),
                local_datetime(consent_at),
                local_datetime(verified_at),
                local_datetime(joined),
            ]
