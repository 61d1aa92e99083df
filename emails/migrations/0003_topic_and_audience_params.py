# Emails keeps no relation to events (the layers point down): the event an email
# is about becomes its `topic` ("event:<id>"), the event of a bulk message to its
# attendees becomes `audience_params` ({"event": "<id>"}). Both copied over.

from django.conf import settings
from django.db import migrations, models


def copy_events_forward(apps, schema_editor):
    EmailLog = apps.get_model("emails", "EmailLog")
    BulkEmail = apps.get_model("emails", "BulkEmail")
    logs = EmailLog.objects.filter(event_id__isnull=False)
    for event_id in logs.values_list("event_id", flat=True).distinct().iterator():
        logs.filter(event_id=event_id).update(topic=f"event:{event_id}")
    for bulk in BulkEmail.objects.filter(event_id__isnull=False).iterator():
        bulk.audience_params = {"event": str(bulk.event_id)}
        bulk.save(update_fields=["audience_params"])


def copy_events_backward(apps, schema_editor):
    # Going back leaves the restored (nullable) relations empty: which events still
    # exist is the events app's to say, and emails does not depend on it.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("emails", "0002_emaillog_link"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="bulkemail",
            name="audience_params",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="audience details"
            ),
        ),
        migrations.AddField(
            model_name="emaillog",
            name="topic",
            field=models.CharField(
                blank=True, db_index=True, max_length=100, verbose_name="topic"
            ),
        ),
        migrations.RunPython(copy_events_forward, copy_events_backward),
        migrations.RemoveConstraint(
            model_name="bulkemail",
            name="bulkemail_event_audience_has_event",
        ),
        migrations.RemoveField(
            model_name="emaillog",
            name="event",
        ),
        migrations.RemoveField(
            model_name="bulkemail",
            name="event",
        ),
        migrations.AddConstraint(
            model_name="bulkemail",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("audience", "event_attendees"), _negated=True),
                    ("audience_params__has_key", "event"),
                    _connector="OR",
                ),
                name="bulkemail_event_audience_has_event",
            ),
        ),
    ]
