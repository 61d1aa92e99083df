from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist.admin import (
    BlacklistedTokenAdmin,
    OutstandingTokenAdmin,
)
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from community import privacy, services
from community.contributors import member_standing
from community.middleware import current_request
from community.models import AuditLog, LanguageSkill, Role, User
from community.two_factor import two_factor_reset
from spanglish.admin import ReadOnlyAdmin, TechnicalDetailsMixin, json_block
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

    # Django glues an unmarked English warning to this help text.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
        "{}</li></ul>",
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )

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
class AuditLogAdmin(TechnicalDetailsMixin, ReadOnlyAdmin):
    """Read-only: nobody edits or deletes history from the site. Where a request
    came from (IP address, request id) and the target's internal id are admins'
    technical details."""

    list_display = [
        "timestamp",
        "action",
        "actor_label",
        "target_label",
        "ip_address",
        "request_id",
    ]
    technical_list_display = ["ip_address", "request_id"]
    fields = [
        "timestamp",
        "action",
        "actor",
        "actor_label",
        "target_type",
        "target_label",
        "changes_display",
    ]
    technical_fields = ["id", "target_id", "ip_address", "request_id"]
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
    readonly_fields = [*fields, *technical_fields]

    @admin.display(description=_("changes"))
    def changes_display(self, obj):
        return json_block(obj.changes)


# Two-factor devices hold their users' secrets: not browsable in admin (the reset
# action above is the way to clear them).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


# --- Groups: permissions named in the reader's language ------------------------

PERMISSION_ACTIONS = {
    "add": _("Can add"),
    "change": _("Can change"),
    "delete": _("Can delete"),
    "view": _("Can view"),
}


def permission_label(permission: Permission) -> str:
    """ "Events | event | Can add", translated: Django stores permission names in
    English ("Can add event") when it creates them."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    action, _sep, model_name = permission.codename.partition("_")
    opts = model._meta
    if model_name == opts.model_name and action in PERMISSION_ACTIONS:
        what = PERMISSION_ACTIONS[action]
    else:
        what = _(permission.name)
    # gettext() again: some apps leave their model names unmarked ("static
    # device"); spanglish/admin_overrides.py gives them Spanish in our catalog.
    return (
        f"{opts.app_config.verbose_name} | {gettext(str(opts.verbose_name))} | {what}"
    )


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


# --- Sign-in lockouts (django-axes), with the labels it leaves unmarked ---------


class SignInAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, obj):
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return _("Locked Out")
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {
            "count": left
        }

    @admin.display(description=_("Expires At"))
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)d expired attempt cleaned up.",
                "%(count)d expired attempts cleaned up.",
                count,
            )
            % {"count": count},
        )


for _model, _admin_class in (
    (AccessAttempt, SignInAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):  # AXES_ENABLE_ADMIN
        admin.site.unregister(_model)
        admin.site.register(_model, _admin_class)


# --- API sign-in tokens (simplejwt): labelled, and the secret never shown -------


class ApiTokenAdmin(OutstandingTokenAdmin):
    """The refresh tokens issued to API clients. The token itself is a credential:
    admin shows whose it is and when it expires, not the secret."""

    list_display = ["jti", "token_user", "issued_at", "token_expires_at"]
    fields = ["token_user", "jti", "issued_at", "token_expires_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("user"), ordering="user")
    def token_user(self, obj):
        return obj.user

    @admin.display(description=_("created at"), ordering="created_at")
    def issued_at(self, obj):
        return obj.created_at

    @admin.display(description=_("expires at"), ordering="expires_at")
    def token_expires_at(self, obj):
        return obj.expires_at


class RevokedApiTokenAdmin(BlacklistedTokenAdmin):
    """Adding one revokes an API token at once; a revocation is never edited."""

    list_display = [
        "token_jti",
        "token_user",
        "token_created_at",
        "token_expires_at",
        "blacklisted_on",
    ]

    @admin.display(description=_("revoked at"), ordering="blacklisted_at")
    def blacklisted_on(self, obj):
        return obj.blacklisted_at

    def get_fields(self, request, obj=None):
        return ["token"] if obj is None else ["token", "blacklisted_on"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["token", "blacklisted_on"]

    def has_change_permission(self, request, obj=None):
        return False  # a revocation is a record, not something to edit


for _model, _admin_class in (
    (OutstandingToken, ApiTokenAdmin),
    (BlacklistedToken, RevokedApiTokenAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _admin_class)
