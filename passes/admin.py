"""Back office for passes. Organizers and admins manage them: "passes" is one of
community.roles.ORGANIZER_APPS, so the Organizers group holds its permissions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html_join, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community.services import user_get_or_create_by_email
from passes import services
from passes.models import Pass, PassProduct, PassStatus, PassUse
from spanglish.admin import TechnicalDetailsMixin, status_column
from spanglish.currency import format_money
from spanglish.errors import ConflictError, error_text

PASS_STATUS_TONES = {
    PassStatus.PENDING_PAYMENT: "warning",
    PassStatus.ACTIVE: "success",
    PassStatus.CLOSED: "neutral",
    PassStatus.CANCELLED: "neutral",
}


class CashSaleForm(forms.Form):
    email = forms.EmailField(
        label=_("Buyer's email"),
        help_text=_("An account is created for a new person."),
    )
    name = forms.CharField(label=_("Buyer's name"), max_length=150, required=False)


@admin.register(PassProduct)
class PassProductAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "series",
        "sessions",
        "validity_days",
        "price_display",
        "is_active",
    ]
    list_filter = ["is_active", "series"]
    search_fields = ["name_es", "name_en"]
    list_select_related = ["series"]
    actions = ["sell_cash_action"]

    def has_delete_permission(self, request, obj=None):
        return False  # sold passes point at their product

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, obj):
        return format_money(obj.price, obj.currency)

    @admin.action(description=_("Record a cash sale of the selected pass"))
    def sell_cash_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one pass product."), messages.ERROR
            )
            return None
        product = queryset.get()
        form = CashSaleForm(request.POST if "confirmed" in request.POST else None)
        if form.is_bound and form.is_valid():
            buyer, _created = user_get_or_create_by_email(
                email=form.cleaned_data["email"], name=form.cleaned_data["name"]
            )
            try:
                sold = services.pass_sell_cash(
                    product=product, buyer=buyer, actor=request.user
                )
            except (ValidationError, ConflictError) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                _("Cash sale recorded: %(pass)s, valid until %(until)s.")
                % {"pass": sold, "until": sold.expires_at.date()},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/passes/passproduct/cash_sale.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cash sale"),
                "product": product,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class PassUseInline(admin.TabularInline):
    model = PassUse
    extra = 0
    can_delete = False
    fields = ["event", "ticket", "ticket_status", "counts", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("ticket status"))
    def ticket_status(self, obj):
        return obj.ticket.get_status_display()

    @admin.display(description=_("spends a session"), boolean=True)
    def counts(self, obj):
        return obj.counts

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pass)
class PassAdmin(TechnicalDetailsMixin, admin.ModelAdmin):
    list_display = [
        "product",
        "user",
        "status_badge",
        "sessions_left_display",
        "expires_at",
        "price_display",
        "created_at",
    ]
    list_filter = ["status", "product"]
    list_select_related = ["product", "user"]
    search_fields = ["user__email", "user__name", "id"]
    fields = [
        "product",
        "user",
        "status_badge",
        "series",
        "sessions_left_display",
        "validity_days",
        "price_display",
        "activated_at",
        "expires_at",
        "closed_at",
        "sold_by",
        "sold_at_event",
        "payments_display",
        "created_at",
    ]
    technical_fields = ["id", "updated_at"]
    readonly_fields = [*fields, *technical_fields]
    status_badge = status_column(PASS_STATUS_TONES)
    inlines = [PassUseInline]
    actions = ["refund_unused_action"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_sessions_used()

    def has_add_permission(self, request, *args):
        return False  # passes are sold: online, or with the products' cash sale action

    def has_delete_permission(self, request, obj=None):
        return False  # payments and session uses hang on a pass; refund it instead

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, obj):
        return format_money(obj.price, obj.currency)

    @admin.display(description=_("payments"))
    def payments_display(self, obj):
        """The pass's payments (a payment points at its pass by payable id, not a
        foreign key, so they are listed here rather than as an inline)."""
        rows = obj.payments.order_by("created_at") if obj.pk else []
        return format_html_join(
            mark_safe("<br>"),
            "{} {} ({}, {} {})",
            (
                (
                    p.get_provider_display(),
                    format_money(p.amount, p.currency),
                    p.get_status_display(),
                    _("refunded"),
                    format_money(p.refunded_amount, p.currency),
                )
                for p in rows
            ),
        )

    @admin.display(description=_("sessions left"))
    def sessions_left_display(self, obj):
        left = obj.sessions_left
        return _("unlimited") if left is None else f"{left} / {obj.sessions_total}"

    @admin.action(description=_("Refund unused sessions and close the pass"))
    def refund_unused_action(self, request, queryset):
        done = 0
        for pass_purchase in queryset:
            try:
                services.pass_refund_unused(pass_=pass_purchase, actor=request.user)
                done += 1
            except (ValidationError, ConflictError) as exc:
                self.message_user(
                    request, f"{pass_purchase}: {error_text(exc)}", messages.ERROR
                )
        if done:
            self.message_user(
                request,
                ngettext(
                    "%d pass refunded and closed.",
                    "%d passes refunded and closed.",
                    done,
                )
                % done,
                messages.SUCCESS,
            )
        return None
