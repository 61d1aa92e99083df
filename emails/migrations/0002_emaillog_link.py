import re

from django.db import migrations, models
from django.utils import translation
from django.utils.translation import gettext

CREDENTIAL_TEMPLATES = ("login_link", "password_reset", "verify_email", "email_change")
# The four account links as they were rendered into logged bodies until now.
LIVE_LINK = re.compile(
    r"https?://[^\s\"'<>]*/account/"
    r"(?:login/link|verify|password/reset|email/confirm)/[^\s\"'<>]*"
)


def redact_stored_links(apps, schema_editor):
    """Bodies logged before this release hold working links: strip them. Those not
    sent yet cannot be sent without one; they fail (the member can ask again)."""
    EmailLog = apps.get_model("emails", "EmailLog")
    logs = EmailLog.objects.filter(template__in=CREDENTIAL_TEMPLATES)
    for log in logs.iterator():
        with translation.override(log.language or "en"):
            placeholder = gettext("[link removed from the log]")
        log.body_text = LIVE_LINK.sub(placeholder, log.body_text)
        log.body_html = LIVE_LINK.sub(placeholder, log.body_html)
        fields = ["body_text", "body_html"]
        if log.status == "queued":
            log.status = "failed"
            log.error = "Link removed from the log on upgrade; not sent."
            fields += ["status", "error"]
        log.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("emails", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="emaillog",
            name="link",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                verbose_name="credential link",
            ),
        ),
        migrations.RunPython(redact_stored_links, migrations.RunPython.noop),
    ]
