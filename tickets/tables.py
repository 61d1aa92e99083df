"""Tables at a language exchange: group checked-in attendees so each table mixes
native Spanish and native English speakers and spreads levels.

The suggestion is deterministic. Attendees are put in three groups — native
Spanish, native English, the rest — each sorted by level in the language they are
learning (A1 first, unknown last, then name). The groups are laid end to end and
dealt round-robin over ceil(N / table size) tables. So every table gets an even
share of each group (counts differ by at most one), and the people of one group at
a table come from different parts of its level range (ranks t, t+n, t+2n, …).
Organizers then move people between tables; assignments are TableSeat rows.
"""

import math
from dataclasses import dataclass

from django.db import transaction

from community.audit import audit_record
from community.models import LanguageKind, LanguageLevel, LanguageSkill
from events.models import Event
from tickets.models import Side, TableSeat, Ticket, TicketStatus

DEFAULT_TABLE_SIZE = 6
MAX_TABLE = 999  # far beyond any room, and well inside the database's integer
LEVELS = list(LanguageLevel.values)  # A1 … C2


@dataclass
class Seat:
    ticket: Ticket
    name: str
    side: str  # "es", "en" or "" (native in neither / unknown)
    level: str  # CEFR level in the language they learn, "" when unknown
    table: int | None = None

    @property
    def level_rank(self) -> int:
        return LEVELS.index(self.level) if self.level in LEVELS else len(LEVELS)

    @property
    def side_label(self) -> str:
        return Side(self.side).label if self.side else ""


def _seats(event: Event) -> list[Seat]:
    """Checked-in attendees with side and level (3 queries)."""
    tickets = list(
        Ticket.objects.filter(event=event, status=TicketStatus.CHECKED_IN)
        .select_related("table_seat")
        .order_by("attendee_name", "pk")
    )
    skills: dict = {}
    user_ids = [t.user_id for t in tickets if t.user_id]
    for skill in LanguageSkill.objects.filter(user_id__in=user_ids):
        skills.setdefault(skill.user_id, []).append(skill)
    seats = []
    for ticket in tickets:
        mine = skills.get(ticket.user_id, [])
        natives = {s.language for s in mine if s.kind == LanguageKind.NATIVE}
        learning = {
            s.language: s.level for s in mine if s.kind == LanguageKind.LEARNING
        }
        side = ticket.side
        if not side:
            both = natives & {Side.ES.value, Side.EN.value}
            side = both.pop() if len(both) == 1 else ""
        if side == Side.ES:
            level = learning.get("en", "")
        elif side == Side.EN:
            level = learning.get("es", "")
        else:
            known = [lv for code, lv in learning.items() if code in ("es", "en")]
            level = max(known, key=LEVELS.index) if known else ""
        seat_row = getattr(ticket, "table_seat", None)
        seats.append(
            Seat(
                ticket=ticket,
                name=ticket.attendee_name or ticket.attendee_email,
                side=side,
                level=level,
                table=seat_row.table if seat_row else None,
            )
        )
    return seats


def tables_suggest(seats: list[Seat], *, table_size: int = DEFAULT_TABLE_SIZE) -> list:
    """The suggested grouping: a list of tables, each a list of seats."""
    table_size = max(int(table_size), 2)
    if not seats:
        return []
    count = math.ceil(len(seats) / table_size)
    order = {Side.ES.value: 0, Side.EN.value: 1, "": 2}
    ordered = sorted(
        seats, key=lambda s: (order[s.side], s.level_rank, s.name.lower(), s.ticket.pk)
    )
    tables: list[list[Seat]] = [[] for _ in range(count)]
    for position, seat in enumerate(ordered):
        tables[position % count].append(seat)
    return tables


@transaction.atomic
def tables_assign(*, event: Event, table_size: int, actor=None, request=None) -> int:
    """Store the suggested grouping (replacing the current one). Returns the number
    of tables. Audited."""
    tables = tables_suggest(_seats(event), table_size=table_size)
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
        request=request,
        changes={"tables": len(tables), "table_size": table_size},
    )
    return len(tables)


@transaction.atomic
def table_seat_move(
    *, event: Event, ticket: Ticket, table: int, actor=None, request=None
) -> TableSeat:
    """Seat a checked-in attendee at `table` (1 or more; a new number opens a table)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

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
        request=request,
        changes={"table": table},
    )
    return seat


def tables_current(event: Event) -> dict:
    """Stored tables (with each table's side counts) and who is not seated yet."""
    seats = _seats(event)
    numbers = sorted({s.table for s in seats if s.table is not None})
    tables = []
    for number in numbers:
        people = sorted(
            (s for s in seats if s.table == number),
            key=lambda s: (s.side or "z", s.level_rank, s.name.lower()),
        )
        tables.append(
            {
                "number": number,
                "seats": people,
                "es": sum(1 for s in people if s.side == Side.ES),
                "en": sum(1 for s in people if s.side == Side.EN),
            }
        )
    return {
        "tables": tables,
        "unseated": [s for s in seats if s.table is None],
        "count": len(seats),
    }
