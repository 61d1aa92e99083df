from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from community.tests.factories import UserFactory
from passes.models import Pass, PassProduct, PassStatus


class PassProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PassProduct

    name_en = factory.Sequence(lambda n: f"5 sessions {n}")
    name_es = factory.Sequence(lambda n: f"5 sesiones {n}")
    sessions = 5
    validity_days = 90
    price = Decimal("40.00")
    currency = "EUR"


class PassFactory(factory.django.DjangoModelFactory):
    """An active pass, paid now (no payment row: use the services for those)."""

    class Meta:
        model = Pass

    product = factory.SubFactory(PassProductFactory)
    user = factory.SubFactory(UserFactory)
    status = PassStatus.ACTIVE
    series = factory.LazyAttribute(lambda o: o.product.series)
    sessions_total = factory.LazyAttribute(lambda o: o.product.sessions)
    validity_days = factory.LazyAttribute(lambda o: o.product.validity_days)
    price = factory.LazyAttribute(lambda o: o.product.price)
    currency = factory.LazyAttribute(lambda o: o.product.currency)
    activated_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(
        lambda o: o.activated_at + timedelta(days=o.validity_days)
    )
