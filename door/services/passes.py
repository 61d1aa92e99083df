"""A pass sold for cash at the door, counted in the event's cash-up."""

from django.db import transaction

from community.services import user_get_or_create_by_email
from events.models import Event
from passes import services as pass_services
from passes.models import Pass, PassProduct


@transaction.atomic
def door_pass_sell(
    *, event: Event, product: PassProduct, email: str, name: str = "", actor
) -> Pass:
    """Sell `product` for cash at `event`'s door to the member with `email` (an
    account is made for a newcomer, as the admin's cash sale does). The sale is
    passes.services.pass_sell_cash with the event, so it counts in that event's
    cash-up for `actor`; receipt after commit. One transaction: a refusal (pass
    not on sale, another currency) leaves no new account behind."""
    buyer, _created = user_get_or_create_by_email(
        email=email.strip().lower(), name=name.strip()
    )
    return pass_services.pass_sell_cash(
        product=product, buyer=buyer, actor=actor, event=event
    )
