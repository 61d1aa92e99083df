"""Admin pieces the apps share. The admin site itself (with the two-factor check)
is community's: community/admin_site.py, named by spanglish/apps.py.

- ReadOnlyAdmin: records only services write.
- TechnicalDetailsMixin: provider ids, raw payloads and JSON in a collapsed
  "Technical details" section that only admins see.
- status_column / status_badge: a status as a coloured badge (text and colour,
  styled by static/admin-theme/admin.css).
- money_column / json_block: amounts through the money helper, JSON readable.
"""

import json

from django.apps import apps
from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from spanglish.currency import format_money

# Badge tones, each a text/background pair of at least 4.5:1 contrast (WCAG AA) in
# the light and dark admin themes (static/admin-theme/admin.css).
TONES = ("success", "info", "warning", "danger", "neutral")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services (logs, audit, cash-ups): admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadableDeletions:
    """The delete confirmation page without the rows of Django's hidden join
    tables ("Group-permission relationship: Group_permissions object (1)"): they
    go with the object, and their names cannot be translated. Mixed into every
    registered admin by the admin site (community/admin_site.py)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        hidden = [m._meta for m in apps.get_models(include_auto_created=True)]
        hidden = [opts for opts in hidden if opts.auto_created]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in hidden)
        for opts in hidden:
            counts.pop(opts.verbose_name_plural, None)
        return _without(deleted, prefixes), counts, perms_needed, protected


def _without(items: list, prefixes: tuple) -> list:
    kept = []
    for item in items:
        if isinstance(item, list):
            item = _without(item, prefixes)
            if item:
                kept.append(item)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


class TechnicalDetailsMixin:
    """Fieldsets end with a collapsed "Technical details" section holding
    `technical_fields` (provider ids, raw payloads, JSON, internal ids) — shown to
    admins only; organizers never get them, in the form or in the list
    (`technical_list_display` columns are dropped from their list).

    The fields must be read-only (in readonly_fields or methods): an organizer's
    form is built without them."""

    technical_fields: list[str] = []
    technical_list_display: list[str] = []

    def shows_technical(self, request) -> bool:
        # Superuser is what the admin role means (community.roles): the core
        # names no role.
        return request.user.is_superuser

    def get_fieldsets(self, request, obj=None):
        technical = set(self.technical_fields)
        fieldsets = [
            (name, {**options, "fields": _kept(options["fields"], technical)})
            for name, options in super().get_fieldsets(request, obj)
        ]
        fieldsets = [fs for fs in fieldsets if fs[1]["fields"]]
        # Nothing technical exists yet on an add form.
        if technical and obj is not None and self.shows_technical(request):
            fieldsets.append(
                (
                    _("Technical details"),
                    {"fields": list(self.technical_fields), "classes": ["collapse"]},
                )
            )
        return fieldsets

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if self.shows_technical(request):
            return columns
        return [c for c in columns if c not in self.technical_list_display]


def _kept(fields, technical: set) -> list:
    kept = []
    for field in fields:
        if isinstance(field, (list, tuple)):
            field = [f for f in field if f not in technical]
            if field:
                kept.append(field)
        elif field not in technical:
            kept.append(field)
    return kept


def status_badge(label, tone: str = "neutral") -> str:
    """A status as text in a coloured badge: the colour helps, the words say it."""
    tone = tone if tone in TONES else "neutral"
    return format_html(
        '<span class="status-badge status-badge--{}">{}</span>', tone, label
    )


def status_column(tones: dict, field: str = "status", description=None):
    """An admin column (and read-only field) showing `field`'s choice label as a
    badge; `tones` maps each value to one of TONES (others are neutral). Assign it
    in the admin class (`status_badge = status_column(...)`) and name it in
    list_display and fieldsets."""

    @admin.display(description=description or _("status"), ordering=field)
    def column(*args):
        obj = args[-1]  # called as column(obj), or as a method: column(admin, obj)
        value = getattr(obj, field)
        label = getattr(obj, f"get_{field}_display")()
        return status_badge(label, tones.get(value, "neutral"))

    column.__name__ = f"{field}_badge"
    return column


def money_column(field: str, *, description, currency: str = "currency"):
    """An admin column (and read-only field) showing an amount as people read it
    ("15,00 €", "€15.00"); `currency` is the attribute path of the currency code
    ("event.currency")."""

    @admin.display(description=description, ordering=field)
    def column(*args):
        obj = args[-1]  # called as column(obj), or as a method: column(admin, obj)
        code = obj
        for part in currency.split("."):
            code = getattr(code, part, None)
        return format_money(getattr(obj, field), code or "")

    column.__name__ = f"{field}_money"
    return column


def json_block(value) -> str:
    """JSON as indented text (for technical details), or a dash when empty."""
    if value in (None, "", {}, []):
        return "—"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    return format_html('<pre class="admin-json">{}</pre>', text)
