from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Tickets fills the seams the apps below it offer (docs/architecture.md):
        # they never import tickets.
        from community.contributors import register_member_data, set_member_standing
        from emails.audiences import register_audience
        from emails.models import BulkAudience
        from events.extensions import register_event_annotation
        from events.signals import event_cancelled, event_changed
        from payments.payables import register_payable
        from tickets import member_data, notifications, selectors
        from tickets.payables import TicketPayable

        # Member history API, GDPR export and erasure (community.contributors).
        register_member_data(
            "tickets",
            history=member_data.member_history,
            export=member_data.member_export,
            erase=member_data.member_erase,
            active_since=member_data.member_active_since,
        )
        set_member_standing(member_data.TicketsStanding())
        # Seats held on every list of events (events.extensions).
        register_event_annotation(selectors.with_seats_held)
        # Ticket holders hear of a new time or place, or a cancellation.
        event_changed.connect(
            notifications.on_event_changed, dispatch_uid="tickets.event_changed"
        )
        event_cancelled.connect(
            notifications.on_event_cancelled, dispatch_uid="tickets.event_cancelled"
        )
        # What a ticket's payment does to it (payments.payables).
        register_payable("ticket", TicketPayable())
        # "Everyone with a ticket for one event" as a bulk email audience.
        register_audience(
            BulkAudience.EVENT_ATTENDEES,
            BulkAudience.EVENT_ATTENDEES.label,
            notifications.event_attendees,
            params={"event": notifications.event_attendees_event_field},
            describe=notifications.event_attendees_describe,
        )
