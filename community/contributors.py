"""What other apps hold about a member: the seam between community and the domain.

Community sits below every domain app, so it cannot import tickets, payments or
passes to build a member's history, their GDPR export or their erasure. Each app
instead registers, from its `AppConfig.ready()` (in its `member_data.py`):

    register_member_data(
        "tickets",
        history=lambda user: [...],  # items for GET /api/users/<pk>/history
        export=lambda user: [...],  # one section of the GDPR JSON export
        erase=lambda user, *, actor: None,  # inside user_erase's transaction
        active_since=lambda since: Ticket.objects.filter(...).values("user_id"),
    )

- `history(user) -> list`: the items the history API serializes under the
  contributor's name (tickets: the member's tickets with event and payments).
- `export(user) -> dict | list`: the section `name` of the data export; sections
  follow registration order, i.e. INSTALLED_APPS order.
- `erase(user, *, actor)`: anonymise what the app holds about the member. Called in
  registration order inside user_erase's transaction, after the user's row is locked
  and before community anonymises it (the user still has their address).
- `active_since(since) -> QuerySet of user ids`: the members this app saw active at
  or after `since` (booked, had an event, bought a pass). Guests nobody saw active
  for GUEST_DATA_RETENTION_DAYS are erased (community.privacy.guest_data_purge).

The no-show rule is tickets' too, but community's admin and history API show it:
tickets installs a `MemberStanding` with `set_member_standing(...)`. Until then
(tickets not installed) nobody has no-shows and nobody pays ahead.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import IntegerField, QuerySet, Value


@dataclass(frozen=True)
class MemberDataContributor:
    name: str
    history: Callable[[Any], list] | None = None
    export: Callable[[Any], dict | list] | None = None
    erase: Callable[..., None] | None = None
    active_since: Callable[[Any], QuerySet] | None = None


_contributors: dict[str, MemberDataContributor] = {}


def register_member_data(
    name: str,
    *,
    history: Callable[[Any], list] | None = None,
    export: Callable[[Any], dict | list] | None = None,
    erase: Callable[..., None] | None = None,
    active_since: Callable[[Any], QuerySet] | None = None,
) -> None:
    """Register (or replace, on a second ready()) what app `name` holds about members."""
    _contributors[name] = MemberDataContributor(
        name=name,
        history=history,
        export=export,
        erase=erase,
        active_since=active_since,
    )


def member_data_contributors() -> list[MemberDataContributor]:
    """The registered contributors, in registration order."""
    return list(_contributors.values())


def member_history(*, user) -> dict[str, list]:
    """Each contributor's history items, by contributor name."""
    return {c.name: c.history(user) for c in _contributors.values() if c.history}


def member_export(*, user) -> dict[str, dict | list]:
    """Each contributor's section of the data export, by contributor name."""
    return {c.name: c.export(user) for c in _contributors.values() if c.export}


def member_erase(*, user, actor) -> None:
    """Let every contributor erase what it holds (in the caller's transaction)."""
    for contributor in _contributors.values():
        if contributor.erase:
            contributor.erase(user, actor=actor)


def member_active_since(*, since) -> list[QuerySet]:
    """Each contributor's user ids seen active since `since` (subqueries)."""
    return [c.active_since(since) for c in _contributors.values() if c.active_since]


class MemberStanding(Protocol):
    """The attendance rule community shows (tickets' no-show rule)."""

    def annotate_no_shows(self, users: QuerySet) -> QuerySet:
        """`users` annotated with `no_show_count` (the admin's list, one query)."""

    def no_shows(self, user) -> int:
        """The no-shows the rule counts for `user`."""

    def no_shows_counted_in(self, history: list) -> int:
        """The counted no-shows among already-loaded history items (no query)."""

    def pays_ahead(self, user, *, no_shows: int) -> bool:
        """Whether `user`, with `no_shows` counted, must pay ahead."""


class _NoStanding:
    def annotate_no_shows(self, users: QuerySet) -> QuerySet:
        return users.annotate(no_show_count=Value(0, output_field=IntegerField()))

    def no_shows(self, user) -> int:
        return 0

    def no_shows_counted_in(self, history: list) -> int:
        return 0

    def pays_ahead(self, user, *, no_shows: int) -> bool:
        return False


_standing: MemberStanding = _NoStanding()


def set_member_standing(standing: MemberStanding) -> None:
    """Install the attendance rule (tickets' ready())."""
    global _standing
    _standing = standing


def member_standing() -> MemberStanding:
    return _standing
