import factory
from django.utils import timezone

from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets.models import PaymentMethod, Ticket, TicketStatus


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = TicketStatus.CONFIRMED
    payment_method = PaymentMethod.FREE
    attendee_name = factory.LazyAttribute(lambda o: o.user.name)
    attendee_email = factory.LazyAttribute(lambda o: o.user.email)
    # Booked by the member themselves; pass None for one a stranger booked by email.
    holder_confirmed_at = factory.LazyFunction(timezone.now)
