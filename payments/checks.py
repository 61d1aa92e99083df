"""`manage.py check --deploy`: a provider that takes money must be able to tell us
about it. With keys but no webhook secret every notification is refused, so paid
tickets would stay pending until reconciliation."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def webhook_secrets_check(app_configs=None, **kwargs) -> list[Warning]:
    warnings = []
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        warnings.append(
            Warning(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: every "
                "Stripe notification will be refused.",
                hint="Copy the endpoint's signing secret (whsec_…) from Stripe's "
                "dashboard into STRIPE_WEBHOOK_SECRET.",
                id="payments.W001",
            )
        )
    if settings.MERCADOPAGO_ACCESS_TOKEN and not settings.MERCADOPAGO_WEBHOOK_SECRET:
        warnings.append(
            Warning(
                "MERCADOPAGO_ACCESS_TOKEN is set but MERCADOPAGO_WEBHOOK_SECRET is "
                "not: every MercadoPago notification will be refused.",
                hint="Copy the webhook's secret signature (Your integrations → "
                "Webhooks) into MERCADOPAGO_WEBHOOK_SECRET.",
                id="payments.W002",
            )
        )
    return warnings
