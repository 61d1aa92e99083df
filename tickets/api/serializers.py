from rest_framework import serializers

from spanglish.api.fields import StrictCharField, StrictEmailField
from spanglish.api.serializers import QueryParamsSerializer
from tickets.links import ticket_manage_url
from tickets.models import PaymentMethod, Side, Ticket, TicketStatus


class TicketSerializer(serializers.ModelSerializer):
    event_title = StrictCharField(source="event.title", read_only=True)
    checked_in_by = serializers.SerializerMethodField()
    holds_seat = serializers.BooleanField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "event",
            "event_title",
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
            "checkin_at",
            "checked_in_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_checked_in_by(self, ticket) -> str | None:
        by = ticket.checked_in_by
        return (by.name or by.email) if by else None


# `pass` is only for the passes service, which consumes a session first.
BOOKING_PAYMENT_METHODS = [
    c for c in PaymentMethod.choices if c[0] != PaymentMethod.PASS
]


class TicketBookSerializer(serializers.Serializer):
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


class TicketUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[TicketStatus.CHECKED_IN, TicketStatus.CANCELLED],
        help_text="`checked_in` (door staff) or `cancelled` (organizers and admins).",
    )


class TicketFilterSerializer(QueryParamsSerializer):
    status = serializers.ChoiceField(choices=TicketStatus.choices, required=False)


class CheckinSerializer(serializers.Serializer):
    code = StrictCharField(max_length=64)
    event = serializers.UUIDField(
        required=False,
        help_text="The event at whose door you stand; a ticket for another event is "
        "refused. Left out: the ticket's own event.",
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
        ]
    )
    message = StrictCharField()
    collect = serializers.DecimalField(max_digits=10, decimal_places=2)
    ticket = TicketSerializer(allow_null=True)
