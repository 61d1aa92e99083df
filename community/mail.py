"""Account emails (verification, sign-in link, password reset, email change).

They go through the emails app: logged, and sent by the background worker.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from emails.services import email_send_templated


def absolute_url(name: str, *, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def account_email_send(
    *, to: str, template: str, context: dict, language: str, user=None
) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    email_send_templated(
        to=to, template=template, context=context, language=language, user=user
    )
