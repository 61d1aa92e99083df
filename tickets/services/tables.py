"""Writes on the tables of a language exchange: store the suggested grouping, move
one attendee. The grouping itself (a read) is tickets/tables.py."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.audit import audit_record
from events.models import Event
from tickets.models import TableSeat, Ticket, TicketStatus
from tickets.tables import MAX_TABLE, seats_of, tables_suggest


@transaction.atomic
def tables_assign(*, event: Event, table_size: int, actor=None) -> int:
    """Store the suggested grouping (replacing the current one). Returns the number
    of tables. Audited."""
    tables = tables_suggest(seats_of(event), table_size=table_size)
    TableSeat.objects.filter(event=event).delete()
    TableSeat.objects.bulk_create(
        TableSeat(event=event, ticket=seat.ticket, table=number)
        for number, table in enumerate(tables, start=1)
        for seat in table
    )
    audit_record(
        action="tables.assigned",
        actor=actor,
        target=event,
        changes={"tables": len(tables), "table_size": table_size},
    )
    return len(tables)


@transaction.atomic
def table_seat_move(
    *, event: Event, ticket: Ticket, table: int, actor=None
) -> TableSeat:
    """Seat a checked-in attendee at `table` (1 or more; a new number opens a table)."""
    if ticket.event_id != event.pk or ticket.status != TicketStatus.CHECKED_IN:
        raise ValidationError(_("Only people checked in at this event have a table."))
    if not 1 <= table <= MAX_TABLE:
        raise ValidationError(
            _("Tables are numbered from 1 to %(max)s.") % {"max": MAX_TABLE}
        )
    seat, _created = TableSeat.objects.update_or_create(
        ticket=ticket, defaults={"event": event, "table": table}
    )
    audit_record(
        action="tables.moved",
        actor=actor,
        target=ticket,
        changes={"table": table},
    )
    return seat
