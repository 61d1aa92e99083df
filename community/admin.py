from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from community import privacy, services
from community.contributors import member_standing
from community.middleware import current_request
from community.models import AuditLog, LanguageSkill, Role, User
from community.two_factor import two_factor_reset
from spanglish.admin import ReadOnlyAdmin
from spanglish.errors import ConflictError


class LanguageSkillInline(admin.TabularInline):
    """The member's language profile, shown read-only: members set it themselves
    (through community.languages, which validates and audits it)."""

    model = LanguageSkill
    fields = ["language", "kind", "level"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SetPasswordForm(AdminPasswordChangeForm):
    """Admin's "change password" page, through services.user_set_password: the
    member's sessions and API tokens end, they are told by email, and the audit
    trail names the admin. Django's view saves the form, then keeps the admin's own
    session alive from `form.user` (the saved row, with its new sign-in epoch)."""

    def save(self, commit=True):
        request = current_request()
        usable = self.cleaned_data["set_usable_password"]
        self.user = services.user_set_password(
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
            actor=getattr(request, "user", None),
        )
        return self.user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = SetPasswordForm
    ordering = ["email"]
    inlines = [LanguageSkillInline]
    list_display = [
        "email",
        "name",
        "role",
        "language",
        "is_active",
        "email_verified_at",
        "marketing_consent",
        "no_shows",
        "created_at",
    ]
    list_filter = ["role", "language", "is_active", "marketing_consent"]
    search_fields = ["email", "name", "phone"]
    readonly_fields = [
        "id",
        "last_login",
        "date_joined",
        "created_at",
        "updated_at",
        "is_staff",
        "is_superuser",
        "email_verified_at",
        "marketing_consent",
        "marketing_consent_at",
        "anonymised_at",
        "no_shows",
    ]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "phone", "language"]}),
        (_("Role"), {"fields": ["role", "is_active", "is_staff", "is_superuser"]}),
        (_("Attendance"), {"fields": ["no_shows"]}),
        (
            _("Email and consent"),
            {
                "fields": [
                    "email_verified_at",
                    "marketing_consent",
                    "marketing_consent_at",
                ]
            },
        ),
        (
            _("Record"),
            {
                "fields": [
                    "id",
                    "last_login",
                    "date_joined",
                    "created_at",
                    "updated_at",
                    "anonymised_at",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "role", "password1", "password2"],
            },
        )
    ]
    filter_horizontal = []

    def get_queryset(self, request):
        return member_standing().annotate_no_shows(super().get_queryset(request))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # not on the add form

    @admin.display(description=_("No-shows"), ordering="no_show_count")
    def no_shows(self, obj) -> int:
        """Counted as for the pay-ahead rule (within NO_SHOW_WINDOW_DAYS)."""
        count = getattr(obj, "no_show_count", None)
        return member_standing().no_shows(obj) if count is None else count

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("role")  # only admins change roles
        return fields

    def save_model(self, request, obj, form, change):
        # Activity and role go through their services first: they lock the admins'
        # rows before this one and refuse (ConflictError, shown by changeform_view)
        # to demote or deactivate oneself or the last active admin.
        if change and "is_active" in form.changed_data:
            services.user_set_active(user=obj, active=obj.is_active, actor=request.user)
        if change and "role" in form.changed_data:
            services.user_set_role(user=obj, role=obj.role, actor=request.user)
        if change and "email" in form.changed_data:
            # Sessions and tokens end, the old address is told, and the new one
            # stays unproven: staff typing it proves nothing about who reads it.
            services.user_set_email_by_staff(
                user=obj, email=obj.email, actor=request.user
            )
        if not change and obj.email_verified_at is None:
            # An address staff type in is theirs to vouch for: usable at once.
            obj.email_verified_at = timezone.now()
        super().save_model(request, obj, form, change)
        if not change:
            services.user_set_role(user=obj, role=obj.role, actor=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConflictError as exc:  # rolled back whole by the view's transaction
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_deleted_objects(self, objs, request):
        # Refused on the confirmation page already (before anything is logged);
        # user_erase checks again under the lock.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        for user in objs:
            try:
                services.user_ensure_admin_remains(
                    user=user, stays_admin=False, lock=False
                )
            except ConflictError as exc:
                protected = [*protected, f"{user}: {exc.message}"]
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ConflictError as exc:  # lost a race with another admin's change
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        # Deleting a member anonymises them: payments must keep their ticket.
        privacy.user_erase(user=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            try:
                privacy.user_erase(user=user, actor=request.user)
            except ConflictError as exc:  # lost a race with another admin's change
                self.message_user(request, f"{user}: {exc.message}", messages.ERROR)

    # --- Two-factor reset (community.two_factor), for staff who lost their phone ---
    actions = ["reset_two_factor"]

    @admin.action(
        description=_("Reset two-factor sign-in (lost phone)"),
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            try:
                two_factor_reset(user=user, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                refusal = " ".join(getattr(exc, "messages", None) or [str(exc)])
                self.message_user(request, f"{user}: {refusal}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(user)s: two-factor sign-in reset; they were emailed.")
                    % {"user": user},
                    messages.SUCCESS,
                )

    def has_reset_two_factor_permission(self, request):
        return request.user.role == Role.ADMIN


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Read-only: nobody edits or deletes history from the site."""

    list_display = [
        "timestamp",
        "action",
        "actor_label",
        "target_label",
        "ip_address",
        "request_id",
    ]
    list_filter = [
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        "target_type",
        "timestamp",
    ]
    search_fields = [
        "action",
        "actor_label",
        "target_label",
        "target_id",
        "request_id",
        "ip_address",
    ]
    list_select_related = ["actor"]
    actions = None  # no bulk delete, not even for superusers
    date_hierarchy = "timestamp"
    readonly_fields = [f.name for f in AuditLog._meta.fields]


# Two-factor devices hold their users' secrets: not browsable in admin (the reset
# action above is the way to clear them).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
