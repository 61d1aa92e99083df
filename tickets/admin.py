"""Django Admin for tickets and waiting lists, and what tickets adds to the event
admin (the ticket inline, the attendee exports, the language balance) through
events' seam `event_admin_extend` (events.admin imports no tickets code)."""

from collections import Counter

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin import event_admin_extend
from events.models import EventStatus
from spanglish.admin import TechnicalDetailsMixin, money_column, status_column
from spanglish.currency import format_money
from spanglish.errors import ConflictError
from tickets import exports, services
from tickets.models import Ticket, TicketStatus, WaitingListEntry, WaitlistStatus
from tickets.selectors import event_balance, with_side_counts

INLINE_LIMIT = 50
TICKET_STATUS_TONES = {
    TicketStatus.PENDING_PAYMENT: "warning",
    TicketStatus.CONFIRMED: "success",
    TicketStatus.CHECKED_IN: "info",
    TicketStatus.CANCELLED: "neutral",
    TicketStatus.REFUNDED: "neutral",
    TicketStatus.EXPIRED: "neutral",
}
WAITLIST_STATUS_TONES = {
    WaitlistStatus.WAITING: "info",
    WaitlistStatus.OFFERED: "warning",
    WaitlistStatus.BOOKED: "success",
    WaitlistStatus.EXPIRED: "neutral",
    WaitlistStatus.CANCELLED: "neutral",
}


class NoShowFilter(admin.SimpleListFilter):
    """Confirmed tickets never checked in for an event that is over."""

    title = _("no-show")
    parameter_name = "no_show"

    def lookups(self, request, model_admin):
        return [("yes", _("No-shows"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.filter(
            status=TicketStatus.CONFIRMED,
            event__ends_at__lt=timezone.now(),
            holder_confirmed_at__isnull=False,  # as Ticket.is_no_show
        ).exclude(event__status=EventStatus.CANCELLED)


@admin.register(Ticket)
class TicketAdmin(TechnicalDetailsMixin, admin.ModelAdmin):
    list_display = [
        "attendee_name",
        "attendee_email",
        "event",
        "status_badge",
        "payment_method",
        "side",
        "amount_due_display",
        "checkin_at",
        "created_at",
    ]
    list_filter = ["status", NoShowFilter, "payment_method", "side", "event"]
    list_select_related = ["event"]
    search_fields = ["code", "attendee_name", "attendee_email", "user__email"]
    raw_id_fields = ["event", "user"]
    date_hierarchy = "created_at"
    actions = ["check_in", "cancel"]
    fields = [
        "attendee_name",
        "attendee_email",
        "event",
        "user",
        "status_badge",
        "code",
        "payment_method",
        "side",
        "amount_due_display",
        "amount_collected_display",
        "hold_expires_at",
        "checkin_at",
        "checked_in_by",
        "cancelled_at",
        "created_at",
    ]
    technical_fields = ["id", "holder_confirmed_at", "updated_at"]
    readonly_fields = [*fields[2:], *technical_fields]
    status_badge = status_column(TICKET_STATUS_TONES)
    amount_collected_display = money_column(
        "amount_collected",
        currency="event.currency",
        description=_("amount collected at the door"),
    )

    def has_add_permission(self, request):
        return False  # tickets come from booking, which checks seats

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: the history stays

    @admin.display(description=_("amount due at the door"), ordering="amount_due")
    def amount_due_display(self, obj):
        return format_money(obj.amount_due, obj.event.currency)

    @admin.action(description=_("Check in selected tickets"), permissions=["change"])
    def check_in(self, request, queryset):
        """Paid and free tickets are checked in. Cash due at the door is never
        recorded from here (nobody at a desk has it in hand): those tickets are
        left as they are and named, with a link to the door page that asks."""
        done = 0
        owed = Counter()  # (event, amount due) → tickets
        for ticket in queryset.select_related("event"):
            result = services.ticket_check_in(
                code=ticket.code,
                event=ticket.event,
                actor=request.user,
            )
            if result.ok:
                done += 1
            elif result.outcome == services.CheckinOutcome.CASH_DUE:
                owed[(ticket.event, result.collect)] += 1
            else:
                self.message_user(request, result.message, messages.WARNING)
        for (event, amount), count in owed.items():
            message = ngettext(
                "%(count)d ticket owes %(amount)s at the door: not checked in, "
                "nothing recorded. Collect it on the door page.",
                "%(count)d tickets owe %(amount)s each at the door: not checked in, "
                "nothing recorded. Collect it on the door page.",
                count,
            ) % {"count": count, "amount": format_money(amount, event.currency)}
            door = reverse("tickets:door-event", kwargs={"event_id": event.pk})
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>', message, door, _("Open the door page")
                ),
                messages.WARNING,
            )
        self.message_user(
            request,
            ngettext("%d ticket checked in.", "%d tickets checked in.", done) % done,
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel selected tickets"), permissions=["change"])
    def cancel(self, request, queryset):
        done = 0
        for ticket in queryset.select_related("event"):
            try:
                services.ticket_cancel(ticket=ticket, actor=request.user)
                done += 1
            except (ConflictError, ValidationError) as exc:
                self.message_user(request, f"{ticket}: {exc}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%d ticket cancelled.", "%d tickets cancelled.", done) % done,
            messages.SUCCESS,
        )


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "event",
        "status_badge",
        "side",
        "created_at",
        "offer_expires_at",
    ]
    list_filter = ["status", "side", "event"]
    list_select_related = ["event"]
    search_fields = ["name", "email"]
    raw_id_fields = ["event", "user", "ticket"]
    readonly_fields = ["offered_at", "offer_expires_at", "created_at", "updated_at"]
    status_badge = status_column(WAITLIST_STATUS_TONES)


class _LimitedFormSet(BaseInlineFormSet):
    """An event may have thousands of tickets: the inline shows the latest few; the
    ticket list (filtered by event) has them all."""

    def get_queryset(self):
        return super().get_queryset()[:INLINE_LIMIT]


class TicketInline(admin.TabularInline):
    model = Ticket
    formset = _LimitedFormSet
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "attendee_name",
        "attendee_email",
        "status_badge",
        "payment_method",
        "checkin_at",
        "code",
    ]
    readonly_fields = fields
    status_badge = status_column(TICKET_STATUS_TONES)
    verbose_name_plural = _("tickets (latest 50; the ticket list has all)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=_("Export attendees (CSV)"), permissions=["view"])
def export_attendees_csv(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, "csv")


@admin.action(description=_("Export attendees (Excel)"), permissions=["view"])
def export_attendees_xlsx(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, "xlsx")


def _export(modeladmin, request, queryset, fmt):
    if queryset.count() != 1:
        modeladmin.message_user(
            request, _("Select exactly one event to export."), messages.WARNING
        )
        return None
    return exports.export_response(event=queryset.get(), fmt=fmt, actor=request.user)


@admin.display(description=_("ES / EN (held of kept)"))
def language_balance(obj):
    if not obj.is_language_split:
        return "—"
    return (
        f"ES {obj.held_es}/{obj.seats_es_native} · "
        f"EN {obj.held_en}/{obj.seats_en_native} · "
        f"+{obj.seats_flexible}"
    )


@admin.display(description=_("balance now"))
def language_balance_panel(obj):
    if obj is None or not obj.pk or not obj.is_language_split:
        return _("Not split by language.")
    balance = event_balance(event=obj)
    parts = [
        _("%(label)s: %(held)s held (%(checked_in)s checked in), %(left)s left") % side
        for side in balance["sides"]
    ]
    flex = balance["flexible"]
    parts.append(_("Flexible: %(used)s of %(capacity)s used") % flex)
    return " · ".join(str(p) for p in parts)


event_admin_extend(
    inlines=[TicketInline],
    actions=[export_attendees_csv, export_attendees_xlsx],
    list_display=[language_balance],
    panels=[("language_balance", language_balance_panel)],
    queryset=with_side_counts,
    change_form_template="tickets/admin/event_change_form.html",
)
