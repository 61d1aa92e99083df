"""The pass buyer's mails: receipt of a pass and refund of its unused share.

Payments sends them (payments.notifications: after commit, once per receipt) and
asks passes' handler (passes.payables) what they say; this module builds that
template and context.
"""

from django.conf import settings
from django.utils import translation

from payments.notifications import recipient_language
from payments.payables import PayerMail


def _pass_page_url(pass_purchase) -> str:
    with translation.override(recipient_language(pass_purchase.user.language)):
        return settings.SITE_URL + pass_purchase.get_absolute_url()


def _pass_name(pass_purchase, language: str) -> str:
    with translation.override(language):
        return pass_purchase.product.name


def pass_receipt_mail(payment, pass_purchase, *, language: str) -> PayerMail:
    """Receipt for a succeeded online or cash payment of a pass."""
    return PayerMail(
        template="pass_receipt",
        context={
            "payment": payment,
            "pass": pass_purchase,
            "product_name": _pass_name(pass_purchase, language),
            "pass_url": _pass_page_url(pass_purchase),
        },
    )


def pass_refund_mail(payment, pass_purchase, *, language: str, amount) -> PayerMail:
    """A refund was issued (full or partial) on a pass's payment."""
    return PayerMail(
        template="pass_refund",
        context={
            "payment": payment,
            "amount": amount,
            "pass": pass_purchase,
            "product_name": _pass_name(pass_purchase, language),
        },
    )
