"""Tables at a language exchange: group checked-in attendees so each table mixes
native Spanish and native English speakers and spreads levels.

The suggestion is deterministic. Attendees are put in three groups — native
Spanish, native English, the rest — each sorted by level in the language they are
learning (A1 first, unknown last, then name). The groups are laid end to end and
dealt round-robin over ceil(N / table size) tables. So every table gets an even
share of each group (counts differ by at most one), and the people of one group at
a table come from different parts of its level range (ranks t, t+n, t+2n, …).
Organizers then move people between tables; assignments are TableSeat rows, written
by tickets.services (tables_assign, table_seat_move): this module only reads.
"""

import math
from dataclasses import dataclass

from community.models import LanguageKind, LanguageLevel, LanguageSkill
from events.models import Event
from tickets.models import Side, Ticket, TicketStatus

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


def seats_of(event: Event) -> list[Seat]:
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


def tables_current(event: Event) -> dict:
    """Stored tables (with each table's side counts) and who is not seated yet."""
    seats = seats_of(event)
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
