"""The retention periods the privacy policy states are enforced: guests nobody saw
for GUEST_DATA_RETENTION_DAYS are erased, old emails leave the email log; and the
policy shows the periods as configured."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.models import AuditLog, Role, User
from community.privacy import ERASED_NAME, guest_data_purge
from community.tests.factories import UserFactory
from emails.models import EmailLog, EmailStatus
from events.tests.factories import EventFactory
from passes.tests.factories import PassFactory
from tickets.models import Ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=800)


def guest(email: str, **kwargs) -> User:
    """A member made by a booking: no password, joined long ago."""
    return UserFactory(
        email=email,
        password=None,
        date_joined=LONG_AGO,
        email_verified_at=None,
        **kwargs,
    )


def old_ticket(user: User) -> Ticket:
    event = EventFactory(
        starts_at=LONG_AGO + timedelta(days=5),
        ends_at=LONG_AGO + timedelta(days=5, hours=2),
    )
    ticket = TicketFactory(event=event, user=user)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=LONG_AGO)
    return ticket


def test_guest_unseen_for_the_period_is_erased_and_their_ticket_anonymised(settings):
    settings.GUEST_DATA_RETENTION_DAYS = 730
    gone = guest("gone@example.org", name="Gone Guest")
    ticket = old_ticket(gone)

    assert guest_data_purge() == 1

    gone.refresh_from_db()
    assert gone.anonymised_at is not None
    assert gone.email.endswith("@deleted.invalid") and gone.name == ""
    ticket.refresh_from_db()
    assert ticket.attendee_name == ERASED_NAME and ticket.attendee_email == ""
    entry = AuditLog.objects.get(action="user.deleted", target_id=str(gone.pk))
    assert entry.changes == {"by": "retention"} and entry.actor is None
    assert guest_data_purge() == 0  # idempotent


def test_guests_seen_recently_members_and_staff_are_kept(settings):
    settings.GUEST_DATA_RETENTION_DAYS = 730
    upcoming = guest("upcoming@example.org")
    old_ticket(upcoming)
    TicketFactory(user=upcoming)  # booked an event that is still to come
    booked_recently = guest("recent@example.org")
    ticket = old_ticket(booked_recently)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now())
    signed_in = guest("link@example.org", last_login=timezone.now() - timedelta(days=3))
    with_pass = guest("pass@example.org")
    PassFactory(user=with_pass, expires_at=timezone.now() + timedelta(days=30))
    new_guest = UserFactory(email="new@example.org", password=None)
    member = UserFactory(email="member@example.org", date_joined=LONG_AGO)
    volunteer = guest("door@example.org", role=Role.VOLUNTEER)
    # A ticket nobody's account holds must not shield, nor expose, anyone.
    TicketFactory(
        user=None, attendee_name="Walk In", attendee_email="walkin@example.org"
    )
    gone = guest("gone@example.org")

    assert guest_data_purge() == 1

    kept = [
        upcoming,
        booked_recently,
        signed_in,
        with_pass,
        new_guest,
        member,
        volunteer,
    ]
    for user in kept:
        user.refresh_from_db()
        assert user.anonymised_at is None, user.email
    gone.refresh_from_db()
    assert gone.anonymised_at is not None


def test_zero_keeps_every_guest(settings, capsys):
    settings.GUEST_DATA_RETENTION_DAYS = 0
    old_ticket(guest("kept@example.org"))
    call_command("purge_guest_data")
    assert "guests are kept" in capsys.readouterr().out
    assert not User.objects.filter(anonymised_at__isnull=False).exists()


def test_purge_guest_data_command_honours_days(settings, capsys):
    settings.GUEST_DATA_RETENTION_DAYS = 5000
    old_ticket(guest("gone@example.org"))
    call_command("purge_guest_data")
    assert "Erased 0 guests" in capsys.readouterr().out
    call_command("purge_guest_data", "--days", "365")
    assert "Erased 1 guests inactive for 365 days." in capsys.readouterr().out


def _log(status: str, *, age_days: int) -> EmailLog:
    log = EmailLog.objects.create(
        to_email="someone@example.org",
        template="ticket_confirmation",
        language="en",
        subject="Your ticket",
        body_text="Hello",
        status=status,
    )
    EmailLog.objects.filter(pk=log.pk).update(
        created_at=timezone.now() - timedelta(days=age_days)
    )
    return log


def test_email_log_keeps_recent_and_queued_emails_only(settings, capsys):
    settings.EMAIL_LOG_RETENTION_DAYS = 365
    old_sent = _log(EmailStatus.SENT, age_days=400)
    old_failed = _log(EmailStatus.FAILED, age_days=400)
    still_queued = _log(EmailStatus.QUEUED, age_days=400)
    recent = _log(EmailStatus.SENT, age_days=30)

    call_command("purge_email_log")

    assert "Deleted 2 emails older than 365 days." in capsys.readouterr().out
    left = set(EmailLog.objects.values_list("pk", flat=True))
    assert left == {still_queued.pk, recent.pk}
    assert old_sent.pk not in left and old_failed.pk not in left


def test_email_log_zero_keeps_everything(settings, capsys):
    settings.EMAIL_LOG_RETENTION_DAYS = 0
    _log(EmailStatus.SENT, age_days=4000)
    call_command("purge_email_log")
    assert EmailLog.objects.count() == 1
    assert "kept" in capsys.readouterr().out
