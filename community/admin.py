from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from community import privacy, services
from community.models import AuditLog, User
from spanglish.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "role",
        "language",
        "is_active",
        "email_verified_at",
        "marketing_consent",
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
    ]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "phone", "language"]}),
        (_("Role"), {"fields": ["role", "is_active", "is_staff", "is_superuser"]}),
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
