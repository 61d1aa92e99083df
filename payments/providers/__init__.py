"""Payment provider registry. Adding a provider = adding one module to PROVIDER_MODULES."""

from importlib import import_module

from payments.providers.base import PaymentProvider

PROVIDER_MODULES = (
    "payments.providers.stripe",
    "payments.providers.mercadopago",
    "payments.providers.cash",
)


def all_providers() -> dict[str, PaymentProvider]:
    providers = {}
    for dotted in PROVIDER_MODULES:
        provider = import_module(dotted).provider
        providers[provider.code] = provider
    return providers


def get_provider(code: str) -> PaymentProvider:
    try:
        return all_providers()[code]
    except KeyError:
        raise LookupError(code) from None


def online_provider_choices() -> list[tuple[str, str]]:
    return [
        (p.code, str(p.label))
        for p in all_providers().values()
        if p.online and p.is_configured()
    ]
