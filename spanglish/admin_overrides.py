"""Admin strings that Django's or a library's own Spanish catalog leaves in
English, given Spanish in ours.

Why this module exists: our catalog (locale/, named by LOCALE_PATHS) wins over the
catalogs apps ship, so a msgid with its Spanish in locale/es/…/django.po replaces
theirs. But makemessages keeps only the msgids it finds in our own source, and
would drop these on the next run. Listing them here with gettext_noop (which only
marks a string; nothing here is translated at import) keeps them in our catalog.
When a new Django or library release translates one, its line may go.

A few strings were never marked for translation by their authors, so no catalog
can reach them: the alt text of admin's yes/no icons, some third-party apps'
names, and the names (__str__) of django-axes' and django-tasks-db's records.
install() replaces those with translated ones; it runs from
SpanglishAdminConfig.ready(). (Labels an app's admin class writes unmarked are
fixed by re-registering a subclass, in the admin module of the app that cares:
community for axes and API tokens, operations for background tasks.)

spanglish/tests/test_admin_spanish.py walks every admin page in Spanish and fails
on English left over: what shows up there is fixed here or in the app's admin.
"""

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.utils.translation import gettext_lazy as _

# Third-party apps named in admin, by app label (their own names are unmarked or
# read like code: "Axes", "Tasks Database Backend", "Otp_Static").
APP_NAMES = {
    "axes": _("Sign-in lockouts"),
    "django_tasks_database": _("Background tasks"),
    "otp_static": _("Two-factor recovery codes"),
    "otp_totp": _("Two-factor authenticator apps"),
}

DJANGO_ADMIN = [
    # Django 6.1's Spanish admin catalog: new or changed strings left empty.
    gettext_noop("Run"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Logout"),
    gettext_noop('The app "%s" could not be found.'),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting "
        "the following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? "
        "All of the following related items will be deleted:"
    ),
    ngettext_lazy(
        "…and %(count)d more object.", "…and %(count)d more objects.", "count"
    ),
    # Django's core catalog (forms and model fields).
    gettext_noop("- Select an option -"),
    gettext_noop("“%(value)s” is not a valid binary value."),
    gettext_noop("No %s matches the given query."),
]

DJANGO_ADMIN_TU = [
    # Django's Spanish admin says "usted" ("Seleccione", "Empiece a escribir");
    # ours says "tú" like the rest of the site (spanglish/django_overrides.py
    # does the same for the forms and password pages visitors see).
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Select all objects on this page for an action"),
    ngettext_lazy(
        "Please correct the error below.", "Please correct the errors below.", "n"
    ),
    gettext_noop("Welcome,"),
    gettext_noop("Are you sure?"),
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. "
        "Note that both fields may be case-sensitive."
    ),
    gettext_noop("Enter a new password for the user <strong>%(username)s</strong>."),
    gettext_noop("Your password was changed."),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your "
        "new password twice so we can verify you typed it in correctly."
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the "
        "following objects and their related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting "
        "related objects, but your account doesn't have permission to delete the "
        "following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related "
        "objects, but your account doesn't have permission to delete the following "
        "types of objects:"
    ),
]

SIMPLEJWT = [
    # rest_framework_simplejwt's token blacklist (API sign-in tokens) in admin.
    gettext_noop("Token Blacklist"),
    gettext_noop("Outstanding Token"),
    gettext_noop("Outstanding Tokens"),
    gettext_noop("Blacklisted Token"),
    gettext_noop("Blacklisted Tokens"),
    gettext_noop("Token for %(user)s (%(jti)s)"),
    gettext_noop("Blacklisted token for %(user)s"),
    gettext_noop("jti"),
]

AXES = [
    # django-axes (sign-in lockouts) ships no Spanish at all.
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
]

TASKS = [
    # django-tasks-db (the background task queue) ships no Spanish.
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
]

OTP = [
    # django-otp's devices: shown only as permissions on the group page.
    gettext_noop("static device"),
    gettext_noop("static devices"),
    gettext_noop("static token"),
    gettext_noop("static tokens"),
    gettext_noop("TOTP device"),
    gettext_noop("TOTP devices"),
]


def _boolean_icon(field_val):
    """Django's yes/no/unknown icon with its alt text in the reader's language
    (Django writes the Python value, "True", whatever the language)."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    name = {True: "yes", False: "no", None: "unknown"}[field_val]
    alt = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}
    return format_html(
        '<img src="{}" alt="{}">',
        static(f"admin/img/icon-{name}.svg"),
        alt[field_val],
    )


def _when(moment) -> str:
    return date_format(localtime(moment), "DATETIME_FORMAT") if moment else "—"


def _axes_attempt_str(self) -> str:
    return gettext("Sign-in attempt at %(when)s") % {"when": _when(self.attempt_time)}


def _axes_log_str(self) -> str:
    return gettext("Sign-in of %(user)s at %(when)s") % {
        "user": self.username,
        "when": _when(self.attempt_time),
    }


def _axes_failure_str(self) -> str:
    text = (
        gettext("Failed sign-in of %(user)s at %(when)s from %(ip)s (locked out)")
        if self.locked_out
        else gettext("Failed sign-in of %(user)s at %(when)s from %(ip)s")
    )
    return text % {
        "user": self.username,
        "when": _when(self.attempt_time),
        "ip": self.ip_address,
    }


def _task_result_str(self) -> str:
    return gettext("Task %(name)s (%(status)s)") % {
        "name": self.task_name,
        "status": self.get_status_display(),
    }


def install() -> None:
    """Give the never-marked strings translated replacements (see the docstring)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.apps import apps
    from django.contrib.admin.templatetags import admin_list
    from django_tasks_db.models import DBTaskResult

    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    DBTaskResult.__str__ = _task_result_str

    # admin.utils and admin.helpers import it from admin_list when they call it.
    admin_list._boolean_icon = _boolean_icon
    AccessAttempt.__str__ = _axes_attempt_str
    AccessLog.__str__ = _axes_log_str
    AccessFailureLog.__str__ = _axes_failure_str
