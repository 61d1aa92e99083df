"""The payer's mails: receipt of a payment and refund notice, for whatever was paid.

What the mail says about the thing paid for (template and context) comes from the
payable's handler (`mail()`, payments.payables): tickets' receipt names the event,
passes' the pass. Each notify_* defers itself with transaction.on_commit (robust:
a broken template never breaks the payment that already committed), so callers
never wrap it again; the payment is read again after commit.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from emails.services import email_send_templated
from payments.models import Payment


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    user: object | None


def recipient_language(code: str | None) -> str:
    """`code` when the site speaks it, the site's language otherwise."""
    codes = {code for code, _ in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _recipient(payer) -> Recipient | None:
    """The user's address and language; a guest's address in the site language."""
    if payer.user is not None:
        if not payer.user.is_active:
            return None
        return Recipient(
            email=payer.user.email,
            name=payer.user.get_short_name() or payer.name,
            language=recipient_language(payer.user.language),
            user=payer.user,
        )
    if not payer.email:
        return None
    return Recipient(
        email=payer.email,
        name=payer.name or payer.email,
        language=settings.LANGUAGE_CODE,
        user=None,
    )


def _send_payer_mail(payment: Payment, *, purpose: str, amount=None, key=None):
    fresh = Payment.objects.filter(pk=payment.pk).first()
    if fresh is None:
        return
    handler = fresh.handler
    recipient = _recipient(handler.payer(fresh))
    if recipient is None:
        return
    mail = handler.mail(
        fresh, purpose=purpose, language=recipient.language, amount=amount
    )
    if mail is None:
        return
    email_send_templated(
        to=recipient.email,
        template=mail.template,
        context={"name": recipient.name, **mail.context},
        language=recipient.language,
        user=recipient.user,
        topic=mail.topic,
        key=key,
    )


def notify_payment_receipt(payment: Payment) -> None:
    """Receipt for a succeeded online or cash payment. Once per payment: the key
    makes a replayed webhook or a second call send nothing."""
    transaction.on_commit(
        lambda: _send_payer_mail(
            payment, purpose="receipt", key=f"receipt:{payment.pk}"
        ),
        robust=True,
    )


def notify_refund(payment: Payment, amount) -> None:
    """A refund was issued (full or partial) on a payment."""
    transaction.on_commit(
        lambda: _send_payer_mail(payment, purpose="refund", amount=amount),
        robust=True,
    )
