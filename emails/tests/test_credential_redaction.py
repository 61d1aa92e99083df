"""Credential emails from the attacker's side: an organizer who asks for a sign-in
or reset link for the admin's address and then reads everything staff can read
(admin email log, GDPR export, task queue) must find no working link; the admin's
inbox gets one, on the first attempt or a retry."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from community.privacy import user_export_data
from community.tests.factories import UserFactory
from emails.models import EmailLog, EmailStatus
from emails.tests.backends import FlakyEmailBackend
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

URL = re.compile(r"https?://[^\s\"'<>]+|/(?:en|es)/account/[^\s\"'<>]+")
SIGNED_IN_KEY = "_auth_user_id"


def _sent_link(to: str) -> str:
    """Path of the link in the email actually sent to `to` (what the inbox holds)."""
    message = [m for m in mail.outbox if to in m.to][-1]
    url = re.search(r"https?://\S+", message.body).group(0)
    return "/" + url.split("/", 3)[3]


def _stored_text() -> str:
    """Everything the email log and the task queue store, as one string."""
    from django_tasks_db.models import DBTaskResult

    rows = list(EmailLog.objects.values()) + list(DBTaskResult.objects.values())
    return json.dumps(rows, cls=DjangoJSONEncoder)


def _signs_in(client, path: str) -> bool:
    client.get(path)
    client.post(path)
    return SIGNED_IN_KEY in client.session


def _ask_for_sign_in_link(client, email, commit):
    with commit():
        response = client.post("/en/account/login/link/", {"email": email})
    assert response.status_code == 200


def test_organizer_reading_the_email_log_finds_no_working_sign_in_link(
    client, admin_user, organizer, commit
):
    _ask_for_sign_in_link(client, admin_user.email, commit)
    log = EmailLog.objects.get(template="login_link")
    staff = client.__class__()
    staff.force_login(organizer)
    pages = [
        staff.get(reverse("admin:emails_emaillog_changelist")).content.decode(),
        staff.get(
            reverse("admin:emails_emaillog_change", args=[log.pk])
        ).content.decode(),
    ]

    sent = _sent_link(admin_user.email)
    token = sent.rstrip("/").rsplit("/", 1)[1]
    seen = _stored_text() + "".join(pages)
    assert token not in seen
    assert "[link removed from the log]" in log.body_text
    assert "[link removed from the log]" in log.body_html
    assert log.link == {
        "purpose": "login",
        "placeholder": "[link removed from the log]",
    }
    for candidate in set(URL.findall(seen)):
        path = urlsplit(candidate).path or "/"
        assert not _signs_in(client.__class__(), path), candidate
    # The admin's inbox holds a link that works, once.
    victim = client.__class__()
    assert _signs_in(victim, sent)
    assert victim.session[SIGNED_IN_KEY] == str(admin_user.pk)
    assert not _signs_in(client.__class__(), sent)


def test_password_reset_for_the_admin_is_logged_without_a_working_link(
    client, admin_user, commit
):
    with commit():
        client.post("/en/account/password/reset/", {"email": admin_user.email})

    log = EmailLog.objects.get(template="password_reset")
    sent = _sent_link(admin_user.email)
    uidb64, token = sent.rstrip("/").split("/")[-2:]
    assert token not in _stored_text() and uidb64 not in _stored_text()
    assert "[link removed from the log]" in log.body_text
    for candidate in set(URL.findall(log.body_text + log.body_html)):
        response = client.get(urlsplit(candidate).path or "/")
        assert "set-password" not in response.get("Location", "")
    # The real email opens the form to choose a new password.
    response = client.get(sent)
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")


def test_verification_and_email_change_links_are_not_stored(client, member, commit):
    from community.services import user_request_email_change, user_send_verification

    with commit():
        user_send_verification(user=member)
        user_request_email_change(user=member, new_email="new@example.com")

    stored = _stored_text()
    for address in (member.email, "new@example.com"):
        sent = _sent_link(address)
        assert sent.rstrip("/").rsplit("/", 1)[1] not in stored
    assert EmailLog.objects.filter(link__purpose="verify").exists()
    assert EmailLog.objects.get(link__purpose="email_change").to_email == (
        "new@example.com"
    )
    # The emailed confirmation still moves the account to the new address (a POST
    # from the account's own session: opening the link alone changes nothing).
    client.force_login(member)
    client.post(_sent_link("new@example.com"))
    member.refresh_from_db()
    assert member.email == "new@example.com"


def test_retry_after_a_mail_server_outage_sends_a_working_link(
    client, admin_user, commit, settings
):
    settings.MAILERS = {
        "default": {"BACKEND": "emails.tests.backends.FlakyEmailBackend"}
    }
    FlakyEmailBackend.failures, FlakyEmailBackend.calls = 1, 0

    _ask_for_sign_in_link(client, admin_user.email, commit)

    log = EmailLog.objects.get(template="login_link")
    assert log.status == EmailStatus.SENT and log.attempts == 2
    assert "unreachable" not in log.error  # cleared once sent
    sent = _sent_link(admin_user.email)
    assert sent.rstrip("/").rsplit("/", 1)[1] not in _stored_text()
    assert _signs_in(client.__class__(), sent)


# Committed for real: the worker opens its own connections, which PostgreSQL refuses
# inside a test's transaction.
@pytest.mark.django_db(transaction=True)
def test_database_task_queue_and_worker_store_no_link(client, admin_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.post("/en/account/login/link/", {"email": admin_user.email})
    assert response.status_code == 200
    assert mail.outbox == []  # queued for the worker, nothing minted yet

    call_command("db_worker", batch=True, no_startup_delay=True, interval=0)

    sent = _sent_link(admin_user.email)
    assert sent.rstrip("/").rsplit("/", 1)[1] not in _stored_text()
    assert EmailLog.objects.get(template="login_link").status == EmailStatus.SENT
    assert _signs_in(client.__class__(), sent)


def test_sign_in_link_for_a_deactivated_account_is_not_sent(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/en/account/login/link/", {"email": member.email})
    member.is_active = False
    member.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    log = EmailLog.objects.get(template="login_link")
    assert log.status == EmailStatus.FAILED
    assert mail.outbox == []


def test_link_queued_before_an_address_change_does_not_reach_the_old_address(
    client, member, django_capture_on_commit_callbacks
):
    old = member.email
    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/en/account/password/reset/", {"email": old})
    member.email = "moved@example.com"
    member.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert EmailLog.objects.get(to_email=old).status == EmailStatus.FAILED
    assert mail.outbox == []


def test_gdpr_export_holds_the_redacted_credential_email(client, member, commit):
    _ask_for_sign_in_link(client, member.email, commit)
    sent = _sent_link(member.email)

    export = json.dumps(user_export_data(user=member), cls=DjangoJSONEncoder)

    assert "[link removed from the log]" in export
    assert sent.rstrip("/").rsplit("/", 1)[1] not in export


def test_only_admins_read_email_bodies_in_admin(
    client, admin_user, organizer, commit, settings
):
    settings.TWO_FACTOR_REQUIRED_ROLES = []  # not what this test is about
    with commit():
        from tickets.notifications import notify_ticket_confirmed

        notify_ticket_confirmed(TicketFactory(user=UserFactory(name="Ana")))
    log = EmailLog.objects.get()
    first_line = log.body_text.splitlines()[0]
    assert first_line and first_line in log.body_text
    url = reverse("admin:emails_emaillog_change", args=[log.pk])

    client.force_login(organizer)
    as_organizer = client.get(url)
    client.force_login(admin_user)
    as_admin = client.get(url)

    assert as_organizer.status_code == as_admin.status_code == 200
    assert log.to_email in as_organizer.content.decode()
    assert first_line not in as_organizer.content.decode()
    assert "ticket-qr.png" not in as_organizer.content.decode()
    assert first_line in as_admin.content.decode()
