from django.contrib import admin
from django.contrib.admin.views.main import ChangeList, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from payments import services
from payments.models import (
    Payment,
    PaymentNotification,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from payments.payables import payable_handler, payable_kinds, payables_prefetch
from payments.selectors import payments_totals_by_event
from spanglish.admin import (
    TechnicalDetailsMixin,
    json_block,
    money_column,
    status_column,
)
from spanglish.currency import format_money
from spanglish.errors import ConflictError, error_text

PAYMENT_STATUS_TONES = {
    PaymentStatus.PENDING: "warning",
    PaymentStatus.SUCCEEDED: "success",
    PaymentStatus.FAILED: "danger",
    PaymentStatus.REFUNDED: "neutral",
    PaymentStatus.PARTIALLY_REFUNDED: "info",
    PaymentStatus.CANCELLED: "neutral",
    PaymentStatus.UNPAID: "warning",
}
REFUND_STATUS_TONES = {
    RefundStatus.PENDING: "warning",
    RefundStatus.SUCCEEDED: "success",
    RefundStatus.FAILED: "danger",
}


class PaymentNotificationInline(admin.TabularInline):
    """The provider's webhook calls about this payment: admins only (the page
    leaves the inline out for organizers, see PaymentAdmin.get_inlines)."""

    model = PaymentNotification
    extra = 0
    can_delete = False
    fields = ["created_at", "event_type", "event_id", "result", "payload_display"]
    readonly_fields = fields

    @admin.display(description=_("payload"))
    def payload_display(self, obj):
        return json_block(obj.payload)

    def has_add_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    """Refunds are made with the refund action (payments.services), never here.
    The provider's refund id is for admins."""

    model = Refund
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "amount_display",
        "status_badge",
        "actor",
        "automatic",
        "error",
        "provider_refund_id",
    ]
    readonly_fields = fields
    amount_display = money_column(
        "amount", currency="payment.currency", description=_("amount")
    )
    status_badge = status_column(REFUND_STATUS_TONES)

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.fields
        return [f for f in self.fields if f != "provider_refund_id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# A payment's change page shows these to every staff member, read-only; the
# technical fields follow for admins only.
PAYMENT_SHOWN_FIELDS = [
    "paid_for",
    "event",
    "provider",
    "amount_display",
    "refunded_display",
    "status_badge",
    "created_at",
    "updated_at",
]


@admin.register(Payment)
class PaymentAdmin(TechnicalDetailsMixin, admin.ModelAdmin):
    list_display = [
        "paid_for",
        "provider",
        "amount_display",
        "status_badge",
        "refunded_display",
        "flagged",
        "created_at",
        "id",
    ]
    technical_list_display = ["id"]
    list_filter = ["provider", "status", "flagged", "event"]
    list_select_related = ["event"]
    search_fields = ["id", "provider_reference", "provider_payment_id"]
    fieldsets = [
        (
            None,
            {"fields": PAYMENT_SHOWN_FIELDS},
        ),
        (_("Needs attention"), {"fields": ["flagged", "flag_reason"]}),
    ]
    technical_fields = [
        "id",
        "payable_kind_display",
        "payable_id",
        "provider_reference",
        "provider_payment_id",
        "checkout_url",
        "raw_display",
    ]
    readonly_fields = [*PAYMENT_SHOWN_FIELDS, *technical_fields]
    inlines = [RefundInline, PaymentNotificationInline]
    actions = ["refund_action"]
    change_list_template = "admin/payments/payment/change_list.html"
    status_badge = status_column(PAYMENT_STATUS_TONES)

    def get_inlines(self, request, obj):
        if self.shows_technical(request):
            return self.inlines
        return [i for i in self.inlines if i is not PaymentNotificationInline]

    @admin.display(description=_("raw provider data"))
    def raw_display(self, obj):
        return json_block(obj.raw)

    @admin.display(description=_("paid for"))
    def payable_kind_display(self, obj):
        return format_html("<code>{}</code>", obj.payable_kind)

    def get_changelist(self, request, **kwargs):
        class PaymentChangeList(ChangeList):
            def get_results(self, request):
                super().get_results(request)
                payables_prefetch(self.result_list)  # one query per kind, not per row

        return PaymentChangeList

    @admin.display(description=_("event or pass"), ordering="event")
    def paid_for(self, obj):
        return obj.handler.describe(obj)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj):
        return format_money(obj.amount, obj.currency)

    @admin.display(description=_("refunded"), ordering="refunded_amount")
    def refunded_display(self, obj):
        return format_money(obj.refunded_amount, obj.currency)

    def get_search_results(self, request, queryset, search_term):
        """Also what each payable's handler finds for the term (a ticket's code)."""
        queryset, duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if search_term:
            for kind in payable_kinds():
                ids = payable_handler(kind).search(search_term)
                if ids:
                    queryset |= self.model.objects.of_many(kind, ids)
        return queryset, duplicates

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data") and "cl" in response.context_data:
            qs = response.context_data["cl"].queryset
            response.context_data["totals"] = payments_totals_by_event(qs)
        return response

    @admin.action(description=_("Refund selected payments in full"))
    def refund_action(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/payments/payment/refund_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Refund payments?"),
                    "payments": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for payment in queryset:
            try:
                services.payment_refund(
                    payment=payment, amount=None, actor=request.user
                )
                done += 1
            except (ValidationError, ConflictError) as exc:
                message = error_text(exc)
                self.message_user(request, f"{payment.pk}: {message}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%d payment refunded.", "%d payments refunded.", done) % done,
                messages.SUCCESS,
            )
        return None


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(TechnicalDetailsMixin, admin.ModelAdmin):
    """What each provider told us (webhooks). Organizers see what happened; the
    provider's ids and payload are admins' technical details."""

    list_display = ["created_at", "provider", "event_type", "result", "event_id"]
    technical_list_display = ["event_id"]
    list_filter = ["provider", "event_type", "result"]
    search_fields = ["event_id", "payment__id"]
    fields = ["created_at", "provider", "event_type", "payment", "result"]
    technical_fields = ["event_id", "payload_display"]
    readonly_fields = [*fields, *technical_fields]

    @admin.display(description=_("payload"))
    def payload_display(self, obj):
        return json_block(obj.payload)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
