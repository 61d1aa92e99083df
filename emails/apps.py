from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailsConfig(AppConfig):
    name = "emails"
    verbose_name = _("Emails")

    def ready(self):
        from community.contributors import register_member_data
        from community.mail import LINK_BUILDERS, set_account_mailer
        from emails import checks  # noqa: F401  (registers the system checks)
        from emails.audiences import register_audience
        from emails.bulk import news_subscribers
        from emails.links import register_link_builder
        from emails.member_data import emails_erase, emails_export
        from emails.models import BulkAudience
        from emails.services import email_send_templated

        # Seam 4: community's account emails go out through us, and the worker
        # mints their credential links with community's builders at send time.
        set_account_mailer(email_send_templated)
        for purpose, builder in LINK_BUILDERS.items():
            register_link_builder(purpose, builder)

        # Seam 3: the email log is part of a member's data export and erasure.
        register_member_data("emails", export=emails_export, erase=emails_erase)

        # Bulk messages to members who accept news; other audiences (one event's
        # ticket holders) are registered by the apps that know them.
        register_audience(
            BulkAudience.NEWS_SUBSCRIBERS,
            BulkAudience.NEWS_SUBSCRIBERS.label,
            news_subscribers,
        )
