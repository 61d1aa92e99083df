from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from community import privacy, services
from community.models import AuditLog, LanguageSkill, User
from spanglish.admin import ReadOnlyAdmin
from tickets.selectors import no_show_count, with_no_show_count


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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
        return with_no_show_count(super().get_queryset(request))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # not on the add form

    @admin.display(description=_("No-shows"), ordering="no_show_count")
    def no_shows(self, obj) -> int:
        """Counted as for the pay-ahead rule (within NO_SHOW_WINDOW_DAYS)."""
        count = getattr(obj, "no_show_count", None)
        return no_show_count(user=obj) if count is None else count

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("role")  # only admins change roles
        return fields

    def save_model(self, request, obj, form, change):
        role = obj.role
        if change and "role" in form.changed_data:
            obj.role = form.initial.get("role", role)
            super().save_model(request, obj, form, change)
            services.user_set_role(
                user=obj, role=role, actor=request.user, request=request
            )
        else:
            super().save_model(request, obj, form, change)
            if not change:
                services.user_set_role(
                    user=obj, role=role, actor=request.user, request=request
                )

    def delete_model(self, request, obj):
        # Deleting a member anonymises them: payments must keep their ticket.
        privacy.user_erase(user=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            privacy.user_erase(user=user, actor=request.user, request=request)


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
