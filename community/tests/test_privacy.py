import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.audit import audit_record
from community.models import AuditLog, User
from community.privacy import ERASED_NAME, user_erase
from community.tests.factories import UserFactory
from payments.models import Payment, PaymentStatus, Provider
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def paid_ticket(user):
    ticket = TicketFactory(user=user)
    payment = Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(ticket.pk),
        provider=Provider.STRIPE,
        amount=Decimal("12.50"),
        currency="EUR",
        status=PaymentStatus.SUCCEEDED,
        provider_payment_id="pi_123",
        raw={"customer_details": {"email": user.email, "name": user.name}},
    )
    return ticket, payment


def test_member_downloads_all_their_data(
    client, member, django_capture_on_commit_callbacks
):
    from emails.services import email_send_templated

    ticket, payment = paid_ticket(member)
    with django_capture_on_commit_callbacks(execute=True):
        email_send_templated(
            to=member.email,
            template="verify_email",
            context={"name": "x", "url": "http://x"},
            language="en",
            user=member,
        )
    client.force_login(member)
    client.post(
        "/en/account/profile/",
        {"name": "Ana", "phone": "1", "language": "en", "marketing_consent": "on"},
    )
    response = client.get("/en/account/privacy/my-data.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == member.email and data["profile"]["name"] == "Ana"
    assert data["consents"]["news_by_email"] is True
    assert data["consents"]["history"][0]["action"] == "user.consent_given"
    assert data["tickets"][0]["code"] == ticket.code
    assert data["tickets"][0]["payments"][0]["amount"] == "12.50"
    assert data["emails"]["emails.emaillog"][0]["to_email"] == member.email
    assert any(e["action"] == "user.profile_changed" for e in data["audit_entries"])
    assert AuditLog.objects.filter(action="user.data_exported", actor=member).exists()


def test_delete_page_says_what_is_kept_and_why(client, member):
    client.force_login(member)
    html = client.get("/en/account/delete/").content.decode()
    assert "What we keep, and why" in html
    assert "Accounting and tax law oblige us to keep financial records" in html


def test_member_deletes_account(client, api_client, member):
    ticket, payment = paid_ticket(member)
    email = member.email
    client.force_login(member)
    other_session = type(client)()
    other_session.force_login(member)
    refresh = api_client.post(
        "/api/auth/login",
        {"email": email, "password": "correct-horse-battery"},
    ).json()["refresh"]

    refused = client.post("/en/account/delete/", {})  # the box must be ticked
    assert refused.status_code == 200 and User.objects.get(pk=member.pk).is_active
    response = client.post(
        "/en/account/delete/",
        {"confirm": "on", "current_password": "correct-horse-battery"},
    )
    assert response.status_code == 200
    assert "What we keep, and why" in response.content.decode()

    member.refresh_from_db()
    assert member.email != email and member.name == "" and member.phone == ""
    assert not member.is_active and not member.has_usable_password()
    assert member.anonymised_at is not None
    ticket.refresh_from_db()
    payment.refresh_from_db()
    assert ticket.attendee_name == ERASED_NAME and ticket.attendee_email == ""
    assert (
        payment.amount == Decimal("12.50") and payment.provider_payment_id == "pi_123"
    )
    assert email not in json.dumps(payment.raw)
    assert not User.objects.filter(email__iexact=email).exists()
    # Signed out everywhere: this browser, another one, and the API.
    assert "_auth_user_id" not in client.session
    assert other_session.get("/en/account/profile/").status_code == 302
    assert api_client.post("/api/auth/refresh", {"refresh": refresh}).status_code == 401
    entry = AuditLog.objects.get(action="user.deleted")
    assert entry.changes == {"by": "self"}
    assert email not in entry.actor_label + entry.target_label


def test_erasure_scrubs_personal_data_from_the_audit_trail(member, admin_user):
    audit_record(
        action="user.email_changed",
        actor=member,
        target=member,
        changes={"email": ["old@example.com", member.email]},
    )
    user_erase(user=member, actor=admin_user)
    for entry in AuditLog.objects.all():
        assert "example.com" not in json.dumps(entry.changes) + entry.target_label
    assert AuditLog.objects.get(action="user.deleted").changes == {"by": "staff"}


def test_admin_delete_anonymises_instead_of_deleting(client, admin_user):
    victim = UserFactory()
    ticket, _payment = paid_ticket(victim)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/community/user/{victim.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.anonymised_at is not None and not victim.is_active
    ticket.refresh_from_db()
    assert ticket.attendee_name == ERASED_NAME
    assert AuditLog.objects.filter(action="admin.delete", actor=admin_user).exists()


def test_purge_audit_ips_erases_old_addresses_only(settings):
    settings.AUDIT_IP_RETENTION_DAYS = 90
    old = AuditLog.objects.create(
        action="x", ip_address="10.0.0.1", timestamp=timezone.now() - timedelta(days=91)
    )
    recent = AuditLog.objects.create(
        action="x", ip_address="10.0.0.2", timestamp=timezone.now() - timedelta(days=89)
    )
    call_command("purge_audit_ips", stdout=open("/dev/null", "w"))  # noqa: SIM115
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None and old.action == "x"
    assert recent.ip_address == "10.0.0.2"
