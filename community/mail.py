"""Account emails (verification, sign-in link, password reset, email change).

They go through the emails app (logged, sent by the background worker) when it is
installed; otherwise they are rendered here and sent with Django's mailer.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute_url(name: str, *, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def account_email_send(
    *, to: str, template: str, context: dict, language: str, user=None
) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    try:
        from emails.services import email_send_templated
    except ImportError:
        email_send_templated = None
    if email_send_templated is not None:
        email_send_templated(
            to=to, template=template, context=context, language=language, user=user
        )
        return
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    send_mail(" ".join(subject.split()), text, None, [to], html_message=html)
