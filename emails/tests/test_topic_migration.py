"""Emails keeps no relation to events: the migration that dropped them keeps what
each log entry and bulk message was about."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from emails.models import BulkEmail, EmailLog
from events.tests.factories import EventFactory


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_which_event_each_email_and_bulk_message_was_about():
    event = EventFactory()
    before = [("emails", "0002_emaillog_link")]
    after = [("emails", "0003_topic_and_audience_params")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldLog = old.get_model("emails", "EmailLog")
    OldBulk = old.get_model("emails", "BulkEmail")
    common = {"template": "t", "language": "en", "subject": "s", "body_text": "b"}
    OldLog.objects.create(to_email="a@example.com", event_id=event.pk, **common)
    OldLog.objects.create(to_email="b@example.com", **common)
    OldBulk.objects.create(audience="event_attendees", event_id=event.pk)
    OldBulk.objects.create(audience="news_subscribers")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    topics = dict(EmailLog.objects.values_list("to_email", "topic"))
    assert topics == {"a@example.com": f"event:{event.pk}", "b@example.com": ""}
    params = dict(BulkEmail.objects.values_list("audience", "audience_params"))
    assert params == {
        "event_attendees": {"event": str(event.pk)},
        "news_subscribers": {},
    }
