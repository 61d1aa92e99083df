"""What the event and series admins share to list events upcoming first: the
"when" filter (upcoming by default, past, all), the matching ordering, and the
colours of an event's status."""

from django.contrib import admin
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventStatus

EVENT_STATUS_TONES = {
    EventStatus.DRAFT: "warning",
    EventStatus.PUBLISHED: "success",
    EventStatus.CANCELLED: "danger",
    EventStatus.COMPLETED: "neutral",
}

PERIODS = ("upcoming", "past", "all")


def event_period(request) -> str:
    """Which events a list shows: ?when=upcoming|past|all, else upcoming — unless
    the organizer searches or drills into dates, which should find past events."""
    value = request.GET.get(WhenFilter.parameter_name)
    if value in PERIODS:
        return value
    drilling = any(key.startswith("starts_at__") for key in request.GET)
    return "all" if request.GET.get("q") or drilling else "upcoming"


def upcoming_first(now=None) -> list:
    """Ordering: events not over yet, soonest first, then past ones, latest first."""
    now = now or timezone.now()
    upcoming = When(ends_at__gte=now, then=Value(0))
    return [
        Case(upcoming, default=Value(1), output_field=IntegerField()).asc(),
        Case(When(ends_at__gte=now, then=F("starts_at"))).asc(),
        F("starts_at").desc(),
    ]


class WhenFilter(admin.SimpleListFilter):
    """Upcoming (the default), past or all events; an event still going on is
    upcoming."""

    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))]

    def value(self):
        chosen = self.used_parameters.get(self.parameter_name)
        return chosen if chosen in PERIODS else event_period(self.request)

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gte=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lt=now)
        return queryset

    def choices(self, changelist):
        # Not Django's "All" (no value): nothing chosen means the default period.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }
