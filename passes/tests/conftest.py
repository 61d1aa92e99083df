from decimal import Decimal

import pytest

from passes.tests.factories import PassProductFactory

# The fake Stripe + MercadoPago APIs and the signed-webhook posters of the payments
# tests, reused as they are.
from payments.tests.conftest import fake, post_mp, post_stripe  # noqa: F401


@pytest.fixture
def product(db):
    """10 sessions for 100 EUR, any event, valid 90 days."""
    return PassProductFactory(
        name_en="10 sessions",
        name_es="",
        sessions=10,
        price=Decimal("100.00"),
        currency="EUR",
    )
