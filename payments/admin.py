from django.contrib import admin
from django.contrib.admin.views.main import ChangeList, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from payments import services
from payments.models import Payment, PaymentNotification, Refund
from payments.payables import payable_handler, payable_kinds, payables_prefetch
from payments.selectors import payments_totals_by_event
from spanglish.currency import format_money
from spanglish.errors import ConflictError, error_text


class PaymentNotificationInline(admin.TabularInline):
    model = PaymentNotification
    extra = 0
    can_delete = False
    fields = ["created_at", "event_type", "event_id", "result", "payload"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    """Refunds are made with the refund action (payments.services), never here."""

    model = Refund
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "amount",
        "status",
        "actor",
        "automatic",
        "provider_refund_id",
        "error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "paid_for",
        "provider",
        "amount_display",
        "status",
        "refunded_display",
        "flagged",
        "created_at",
    ]
    list_filter = ["provider", "status", "flagged", "event"]
    list_select_related = ["event"]
    search_fields = ["id", "provider_reference", "provider_payment_id"]
    readonly_fields = [
        f.name for f in Payment._meta.fields if f.name not in ("flagged", "flag_reason")
    ]
    inlines = [RefundInline, PaymentNotificationInline]
    actions = ["refund_action"]
    change_list_template = "admin/payments/payment/change_list.html"

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
class PaymentNotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "provider", "event_type", "event_id", "result"]
    list_filter = ["provider", "event_type", "result"]
    search_fields = ["event_id", "payment__id"]
    readonly_fields = [f.name for f in PaymentNotification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
