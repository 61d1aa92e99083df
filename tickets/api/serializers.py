import uuid

from rest_framework import serializers

from spanglish.api.deprecation import deprecated
from spanglish.api.fields import DateTimeField, StrictCharField, StrictEmailField
from spanglish.api.serializers import InputSerializer, QueryParamsSerializer
from tickets.links import ticket_manage_url
from tickets.models import PaymentMethod, Side, Ticket, TicketStatus


class TicketSerializer(serializers.ModelSerializer):
    """A ticket. `user` (the holder's user id) is for door staff: null for anyone
    else (context `show_holder`)."""

    event_title = StrictCharField(source="event.title", read_only=True)
    user = serializers.SerializerMethodField()
    checked_in_at = DateTimeField(source="checkin_at", read_only=True, allow_null=True)
    checkin_at = deprecated(
        DateTimeField(read_only=True, allow_null=True), replacement="checked_in_at"
    )
    checked_in_by = serializers.SerializerMethodField()
    holds_seat = serializers.BooleanField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "event",
            "event_title",
            "user",
            "status",
            "holds_seat",
            "attendee_name",
            "attendee_email",
            "code",
            "payment_method",
            "side",
            "amount_due",
            "amount_collected",
            "hold_expires_at",
            "checked_in_at",
            "checkin_at",
            "checked_in_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_checked_in_by(self, ticket) -> str | None:
        by = ticket.checked_in_by
        return (by.name or by.email) if by else None

    def get_user(self, ticket) -> uuid.UUID | None:
        return ticket.user_id if self.context.get("show_holder") else None


# `pass` is only for the passes service, which consumes a session first.
BOOKING_PAYMENT_METHODS = [
    c for c in PaymentMethod.choices if c[0] != PaymentMethod.PASS
]


class TicketBookSerializer(InputSerializer):
    event = serializers.UUIDField(help_text="Id of the event to book.")
    payment_method = serializers.ChoiceField(
        choices=BOOKING_PAYMENT_METHODS,
        required=False,
        help_text="Paid events: `online` (default) or `door`. Ignored for free events.",
    )
    side = serializers.ChoiceField(
        choices=Side.choices,
        required=False,
        help_text="Language-split events only: `es` or `en`, the side of a booker "
        "whose profile gives none (native in one of Spanish and English decides). "
        "Left out: the side with more seats left.",
    )
    attendee_name = StrictCharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="Required when not signed in.",
    )
    attendee_email = StrictEmailField(
        required=False, help_text="Required when not signed in."
    )


class TicketBookedSerializer(TicketSerializer):
    manage_url = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "manage_url"]
        read_only_fields = fields

    def get_manage_url(self, ticket) -> str:
        return ticket_manage_url(ticket)


class TicketBookedByEmailSerializer(serializers.Serializer):
    """The answer to every anonymous booking (documentation only)."""

    detail = StrictCharField(
        help_text="Check your email: the ticket's link was sent to the address."
    )


# What the volunteer did about money due on a pay-at-the-door ticket.
CHECKIN_PAYMENT_CHOICES = ["cash_received", "not_paid", "admit_unpaid"]


class TicketUpdateSerializer(InputSerializer):
    echo_of = TicketSerializer  # a GET's body may be sent back with a new status
    status = serializers.ChoiceField(
        choices=[TicketStatus.CHECKED_IN, TicketStatus.CANCELLED],
        help_text="`checked_in` (door staff) or `cancelled` (organizers and admins).",
    )
    payment = serializers.ChoiceField(
        choices=CHECKIN_PAYMENT_CHOICES,
        required=False,
        help_text="With `checked_in`, for a pay-at-the-door ticket with money due: "
        "as in POST /api/tickets/checkin (`not_paid` leaves it not checked in).",
    )


class TicketFilterSerializer(QueryParamsSerializer):
    status = serializers.ChoiceField(choices=TicketStatus.choices, required=False)


class CheckinSerializer(InputSerializer):
    code = StrictCharField(max_length=64)
    event = serializers.UUIDField(
        required=False,
        help_text="The event at whose door you stand; a ticket for another event is "
        "refused. Left out: the ticket's own event.",
    )
    payment = serializers.ChoiceField(
        choices=CHECKIN_PAYMENT_CHOICES,
        required=False,
        help_text="Only for a pay-at-the-door ticket with money due (ignored "
        "otherwise). `cash_received`: the cash is in hand; checks in and records it "
        "(receipt emailed). `not_paid`: nothing is recorded, not checked in. "
        "`admit_unpaid`: checks in owing the amount (no cash recorded). Left out "
        "while money is due: 409 `payment_required` with the amount to collect.",
    )


class CheckinResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    outcome = serializers.ChoiceField(
        choices=[
            "checked_in",
            "already_checked_in",
            "wrong_event",
            "cancelled",
            "unpaid",
            "not_found",
            "not_paid",
        ]
    )
    message = StrictCharField()
    collect = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        help_text="Cash recorded by this scan (0.00 when none).",
    )
    collect_display = StrictCharField(
        help_text="`collect` formatted in the request's language; empty when 0."
    )
    currency = StrictCharField(help_text="ISO 4217 code of `collect`.")
    ticket = TicketSerializer(allow_null=True)


class CheckinPaymentRequiredSerializer(serializers.Serializer):
    """409 `payment_required`: money is due and `payment` was left out."""

    error = serializers.DictField(
        help_text='{"code": "payment_required", "message": "Collect €15.00: Ana", '
        '"fields": {}}; the message is in the request\'s language.'
    )
    outcome = serializers.ChoiceField(choices=["cash_due"])
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="The amount to collect."
    )
    amount_display = StrictCharField(
        help_text="`amount` formatted in the request's language (15,00 € in Spanish)."
    )
    currency = StrictCharField(help_text="ISO 4217 code of `amount`.")
    choices = serializers.ListField(
        child=serializers.ChoiceField(choices=CHECKIN_PAYMENT_CHOICES),
        help_text="The `payment` values to send again with the same code.",
    )
    ticket = TicketSerializer()
