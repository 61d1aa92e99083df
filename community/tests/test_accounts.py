import pytest
from django.core import mail
from django.utils import timezone

from community.models import AuditLog, User
from community.tests.factories import UserFactory
from community.tests.helpers import last_link
from events.tests.factories import EventFactory
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def signs_in(client, email, password) -> bool:
    response = client.post(
        "/en/account/login/", {"username": email, "password": password}
    )
    return response.status_code == 302 and "_auth_user_id" in client.session


def signup(client, email, **extra):
    data = {"name": "Nuria", "email": email, "password": "a-long-unusual-passphrase"}
    return client.post("/en/account/signup/", {**data, **extra})


def test_signup_creates_member_and_sends_verification(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "Nuria@Example.com", marketing_consent="on")
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    user = User.objects.get(email="nuria@example.com")
    assert user.role == "member" and user.email_verified_at is None
    assert user.marketing_consent and user.marketing_consent_at is not None
    assert mail.outbox[-1].subject == "Confirm your email address"
    # Changed on purpose (issue 13): the password works only once the address is
    # proven, by typing it on the page the verification link opens.
    assert not signs_in(client, "nuria@example.com", "a-long-unusual-passphrase")
    link = last_link("nuria@example.com")
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is None  # opening the link alone changes nothing
    response = client.post(link, {"password": "a-long-unusual-passphrase"}, follow=True)
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "your email address is confirmed" in response.content.decode()
    client.logout()
    assert signs_in(client, "nuria@example.com", "a-long-unusual-passphrase")


def test_signup_page_is_the_same_whether_or_not_the_email_exists(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        existing = signup(client, member.email.upper())
        new = signup(client, "someone-new@example.com")
    assert existing.status_code == new.status_code == 200

    def text(response, email):
        return response.content.decode().replace(email, "EMAIL")

    assert text(existing, member.email.upper()) == text(new, "someone-new@example.com")
    # The owner of the existing account gets a sign-in link, not a second account.
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert mail.outbox[0].to == [member.email]
    assert "you already have one" in mail.outbox[0].body


def test_signup_rejects_weak_password(client):
    response = client.post(
        "/en/account/signup/",
        {"name": "N", "email": "weak@example.com", "password": "123"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.com").exists()
    assert "too short" in response.content.decode()


def test_signin_link_signs_in_once(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/login/link/", {"email": member.email})
    link = last_link(member.email)
    # GET only asks; mail scanners that open links do not spend them.
    page = client.get(link)
    assert page.status_code == 200 and member.email in page.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(link)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    member.refresh_from_db()
    assert member.email_verified_at is not None  # the link proved the address
    client.logout()
    again = client.post(link)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_signin_link_expires(
    client, member, settings, django_capture_on_commit_callbacks
):
    settings.SIGN_IN_LINK_MINUTES = 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/login/link/", {"email": member.email})
    import time

    time.sleep(1.1)
    assert client.post(last_link(member.email)).status_code == 400


def test_signin_link_request_says_the_same_for_unknown_email(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/en/account/login/link/", {"email": member.email})
        unknown = client.post(
            "/en/account/login/link/", {"email": "nobody@example.com"}
        )
    assert known.content.decode().replace(
        member.email, "X"
    ) == unknown.content.decode().replace("nobody@example.com", "X")
    assert len(mail.outbox) == 1


def test_password_reset_same_message_and_works_for_passwordless_members(
    client, django_capture_on_commit_callbacks
):
    booker = UserFactory(password=None)
    booker.set_unusable_password()
    booker.save()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            "/en/account/password/reset/", {"email": booker.email}, follow=True
        )
        unknown = client.post(
            "/en/account/password/reset/", {"email": "nobody@example.com"}, follow=True
        )
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [[booker.email]]
    link = last_link(booker.email)
    form = client.get(link, follow=True)
    new = "another-long-passphrase"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert signs_in(client, booker.email, new)


@pytest.mark.parametrize(
    "path,data",
    [
        (
            "/en/account/signup/",
            {"name": "N", "email": "x@example.com", "password": "p"},
        ),
        ("/en/account/password/reset/", {"email": "x@example.com"}),
        ("/en/account/login/link/", {"email": "x@example.com"}),
    ],
)
def test_account_emails_are_rate_limited_per_ip(client, settings, path, data):
    settings.ACCOUNT_RATE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert client.post(path, data).status_code != 429
    blocked = client.post(path, data)
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.content.decode()
    # Another client IP is not affected.
    other = client.post(path, data, REMOTE_ADDR="10.9.8.7")
    assert other.status_code != 429


def test_site_login_locks_out_per_ip_with_clear_message(client, member, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/en/account/login/", {"username": member.email, "password": "no"})
    locked = client.post(
        "/en/account/login/", {"username": member.email, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_locks_out_per_account_across_ips(client, member, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        client.post(
            "/en/account/login/",
            {"username": member.email.upper(), "password": "no"},
            REMOTE_ADDR=f"10.0.0.{n + 1}",
        )
    locked = client.post(
        "/en/account/login/",
        {"username": member.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.99",
    )
    assert locked.status_code == 429


def test_admin_login_is_locked_out_too(client, admin_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/admin/login/", {"username": admin_user.email, "password": "no"})
    locked = client.post(
        "/admin/login/", {"username": admin_user.email, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()


def test_api_lockout_counts_site_failures_for_the_same_account(
    client, api_client, member, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    client.post("/en/account/login/", {"username": member.email, "password": "no"})
    api_client.post(
        "/api/auth/login",
        {"email": member.email, "password": "no"},
        REMOTE_ADDR="10.1.1.1",
    )
    locked = api_client.post(
        "/api/auth/login",
        {"email": member.email, "password": PASSWORD},
        REMOTE_ADDR="10.2.2.2",
    )
    assert locked.status_code == 429


def test_profile_updates_details_and_consent_with_time(client, member):
    client.force_login(member)
    page = client.get("/en/account/profile/")
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()
    client.post(
        "/en/account/profile/",
        {
            "name": "Ana",
            "phone": "+34 600",
            "language": "es",
            "marketing_consent": "on",
        },
    )
    member.refresh_from_db()
    assert (member.name, member.phone, member.language) == ("Ana", "+34 600", "es")
    assert member.marketing_consent
    given_at = member.marketing_consent_at
    assert given_at is not None
    # Withdrawing is one untick away.
    client.post("/en/account/profile/", {"name": "Ana", "phone": "", "language": "es"})
    member.refresh_from_db()
    assert not member.marketing_consent and member.marketing_consent_at >= given_at
    actions = list(
        AuditLog.objects.filter(target_id=str(member.pk)).values_list(
            "action", flat=True
        )
    )
    assert "user.consent_given" in actions and "user.consent_withdrawn" in actions


def test_news_recipients_need_consent_and_verified_address():
    verified = UserFactory(marketing_consent=True, email_verified_at=timezone.now())
    UserFactory(marketing_consent=True, email_verified_at=None)  # no news yet
    UserFactory(email_verified_at=timezone.now())  # no consent
    assert list(User.objects.news_recipients()) == [verified]


def test_my_tickets_lists_upcoming_and_past(
    client, member, django_assert_max_num_queries
):
    from datetime import timedelta

    soon = TicketFactory(user=member)
    old_event = EventFactory(
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
    )
    old = TicketFactory(user=member, event=old_event)
    TicketFactory()  # someone else's
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get("/en/account/tickets/")
    html = response.content.decode()
    assert soon.get_absolute_url() in html and old.get_absolute_url() in html
    assert (
        html.index(soon.event.title) < html.index("Past") < html.index(old.event.title)
    )
    assert html.count('class="ticket-item"') == 2


def test_account_pages_need_sign_in(client):
    for path in ["profile/", "tickets/", "email/", "privacy/", "delete/"]:
        response = client.get(f"/en/account/{path}")
        assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_email_change_needs_confirmation_from_new_address(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/account/email/",
            {"new_email": "New@Example.com", "current_password": PASSWORD},
        )
    member.refresh_from_db()
    assert member.email != "new@example.com"  # nothing changes yet
    assert mail.outbox[-1].to == ["new@example.com"]
    client.post(last_link("new@example.com"))
    member.refresh_from_db()
    assert member.email == "new@example.com" and member.email_verified_at is not None
    entry = AuditLog.objects.get(action="user.email_changed")
    assert entry.changes["email"][1] == "new@example.com"


def test_email_change_refused_when_address_taken(
    client, member, django_capture_on_commit_callbacks
):
    other = UserFactory()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/account/email/",
            {"new_email": other.email, "current_password": PASSWORD},
        )
    response = client.post(last_link(other.email))
    assert response.status_code == 400
    assert "already belongs to another account" in response.content.decode()


def test_verification_not_needed_to_book(client):
    from tickets.services import ticket_book

    member = UserFactory(email_verified_at=None)
    ticket, created = ticket_book(event=EventFactory(), user=member)
    assert created and ticket.status == "confirmed"
