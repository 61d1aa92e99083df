from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from door.models import CashCount, CashUp, OfflineCheckin
from spanglish.admin import (
    ReadOnlyAdmin,
    TechnicalDetailsMixin,
    money_column,
    status_badge,
)
from spanglish.currency import format_money
from tickets.services import CheckinOutcome

# What a phone's check-in came to (tickets.services.CheckinOutcome): words and a
# colour for each code.
OUTCOMES = {
    CheckinOutcome.CHECKED_IN: (_("Checked in"), "success"),
    CheckinOutcome.ALREADY: (_("Already checked in"), "info"),
    CheckinOutcome.WRONG_EVENT: (_("Wrong event"), "danger"),
    CheckinOutcome.CANCELLED: (_("Cancelled"), "danger"),
    CheckinOutcome.UNPAID: (_("Not paid"), "warning"),
    CheckinOutcome.NOT_FOUND: (_("Not found"), "danger"),
    CheckinOutcome.CASH_DUE: (_("Cash due"), "warning"),
}


class OutcomeFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [(code, label) for code, (label, _tone) in OUTCOMES.items()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(outcome=self.value())
        return queryset


@admin.register(CashUp)
class CashUpAdmin(TechnicalDetailsMixin, ReadOnlyAdmin):
    list_display = (
        "event",
        "expected_display",
        "counted_display",
        "difference_display",
        "closed_by",
        "closed_at",
    )
    list_select_related = ("event", "closed_by")
    fields = [
        "event",
        "expected_display",
        "counted_display",
        "difference_display",
        "online_display",
        "pass_tickets",
        "volunteers_display",
        "notes",
        "closed_by",
        "closed_at",
    ]
    technical_fields = ["id", "currency", "created_at", "updated_at"]
    readonly_fields = [*fields, *technical_fields]
    expected_display = money_column("expected", description=_("expected cash"))
    counted_display = money_column("counted", description=_("counted cash"))
    difference_display = money_column(
        "difference", description=_("difference (counted − expected)")
    )
    online_display = money_column("online_total", description=_("paid online"))

    @admin.display(description=_("per volunteer"))
    def volunteers_display(self, obj):
        """The snapshot's lines (amounts stored as decimal strings) as a table."""
        if not obj.lines:
            return "—"

        def money(value):
            return format_money(value, obj.currency)

        rows = format_html_join(
            "",
            '<tr><td>{}</td><td class="number">{}</td><td class="number">{}</td>'
            '<td class="number">{}</td></tr>',
            (
                (
                    line.get("name", ""),
                    money(line.get("expected")),
                    money(line.get("counted")),
                    money(line.get("difference")),
                )
                for line in obj.lines
            ),
        )
        return format_html(
            '<table class="admin-small-table"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            _("volunteer"),
            _("expected"),
            _("counted"),
            _("difference"),
            rows,
        )


@admin.register(CashCount)
class CashCountAdmin(ReadOnlyAdmin):
    list_display = ("event", "volunteer", "counted_display", "updated_at")
    list_select_related = ("event", "volunteer")
    fields = ["event", "volunteer", "counted_display", "created_at", "updated_at"]
    readonly_fields = fields
    counted_display = money_column(
        "counted", currency="event.currency", description=_("counted")
    )


@admin.register(OfflineCheckin)
class OfflineCheckinAdmin(TechnicalDetailsMixin, ReadOnlyAdmin):
    list_display = ("code", "event", "outcome_badge", "checked_in_at", "actor")
    list_filter = (OutcomeFilter,)
    list_select_related = ("event", "actor")
    fields = [
        "event",
        "ticket",
        "code",
        "outcome_badge",
        "message",
        "checked_in_at",
        "actor",
        "created_at",
    ]
    technical_fields = ["client_id", "device_id"]
    readonly_fields = [*fields, *technical_fields]

    @admin.display(description=_("outcome"), ordering="outcome")
    def outcome_badge(self, obj):
        label, tone = OUTCOMES.get(obj.outcome, (obj.outcome, "neutral"))
        return status_badge(label, tone)
