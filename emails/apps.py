from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailsConfig(AppConfig):
    name = "emails"
    verbose_name = _("Emails")

    def ready(self):
        # Registers the reminders job with the scheduler (emails/scheduled.py): the
        # scheduler only imports each app's `tasks` module, which here delivers mail.
        from emails import scheduled  # noqa: F401
