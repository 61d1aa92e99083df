""" "Send a test to me" (issue 18): an organizer writing a bulk email gets a copy,
as recipients will get it, at their own address only; it is marked as a test and
does not count as sent."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import AuditLog
from community.tests.factories import UserFactory
from emails.bulk import bulk_email_send
from emails.models import BulkAudience, BulkEmail, BulkStatus, EmailLog

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = re.compile(r"/email/unsubscribe/[^\s\"<>]+")


def _draft(organizer, **kwargs):
    fields = {
        "audience": BulkAudience.NEWS_SUBSCRIBERS,
        "subject_en": "Summer party",
        "body_en": "Join us on the terrace & bring a friend.",
        "subject_es": "Fiesta de verano",
        "body_es": "Ven a la terraza y trae a un amigo.",
        "created_by": organizer,
    }
    return BulkEmail.objects.create(**{**fields, **kwargs})


def _subscriber(language):
    return UserFactory(
        language=language, marketing_consent=True, email_verified_at=timezone.now()
    )


def _form(bulk, **changes):
    data = {
        "audience": bulk.audience,
        "subject_en": bulk.subject_en,
        "body_en": bulk.body_en,
        "subject_es": bulk.subject_es,
        "body_es": bulk.body_es,
    }
    return {**data, **changes}


def _without_unsubscribe(text: str) -> str:
    return UNSUBSCRIBE.sub("/email/unsubscribe/…", text)


def test_organizer_gets_each_version_as_recipients_will_get_it(
    client, commit, mailoutbox, organizer
):
    en, es = _subscriber("en"), _subscriber("es")
    bulk = _draft(organizer)
    client.force_login(organizer)
    with commit():
        response = client.post(
            reverse("admin:emails_bulkemail_change", args=[bulk.pk]),
            _form(bulk, subject_en="Summer party on Friday", _sendtest="1"),
            follow=True,
        )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert f"A test is on its way to {organizer.email} (English, Spanish)" in shown
    bulk.refresh_from_db()
    assert bulk.subject_en == "Summer party on Friday"  # saved first
    assert bulk.status == BulkStatus.DRAFT
    tests = {m.subject: m for m in mailoutbox}
    assert set(tests) == {"[TEST] Summer party on Friday", "[PRUEBA] Fiesta de verano"}
    assert {tuple(m.to) for m in mailoutbox} == {(organizer.email,)}

    # Not sent to the audience, not counted: the bulk's own log is empty.
    assert not EmailLog.objects.filter(bulk=bulk).exists()
    assert EmailLog.objects.filter(topic=f"bulk-test:{bulk.pk}").count() == 2
    mailoutbox.clear()
    with commit():
        bulk_email_send(bulk=bulk, actor=organizer)
    bulk.refresh_from_db()
    assert bulk.recipient_count == 2
    real = {m.to[0]: m for m in mailoutbox}
    assert set(real) == {en.email, es.email}

    # Word for word what recipients got, but for whose unsubscribe link it is.
    for test, got in (
        (tests["[TEST] Summer party on Friday"], real[en.email]),
        (tests["[PRUEBA] Fiesta de verano"], real[es.email]),
    ):
        assert test.subject.split("] ", 1)[1] == got.subject
        assert _without_unsubscribe(test.body) == _without_unsubscribe(got.body)
        assert _without_unsubscribe(test.alternatives[0][0]) == _without_unsubscribe(
            got.alternatives[0][0]
        )
        assert test.extra_headers["List-Unsubscribe"].startswith("<http")


def test_preview_page_sends_the_version_it_shows(client, commit, mailoutbox, organizer):
    bulk = _draft(organizer)
    client.force_login(organizer)
    preview = reverse("admin:emails_bulkemail_preview", args=[bulk.pk, "es"])
    page = client.get(preview)
    assert "Send this version to me as a test" in page.text
    with commit():
        response = client.post(
            reverse("admin:emails_bulkemail_send_test", args=[bulk.pk]),
            {"language": "es", "back": "preview"},
        )
    assert response.status_code == 302 and response["Location"] == preview
    [message] = mailoutbox
    assert message.subject == "[PRUEBA] Fiesta de verano"
    assert message.to == [organizer.email]


def test_test_never_goes_to_an_address_from_the_request(
    client, commit, mailoutbox, organizer
):
    bulk = _draft(organizer)
    client.force_login(organizer)
    with commit():
        client.post(
            reverse("admin:emails_bulkemail_send_test", args=[bulk.pk]),
            {"language": "en", "to": "victim@example.com", "email": "x@example.com"},
        )
    assert [m.to for m in mailoutbox] == [[organizer.email]]


def test_tests_are_rate_limited_per_organizer(
    client, commit, mailoutbox, organizer, settings
):
    settings.BULK_EMAIL_TEST_LIMIT = 2
    bulk = _draft(organizer)
    client.force_login(organizer)
    url = reverse("admin:emails_bulkemail_send_test", args=[bulk.pk])
    for _ in range(2):
        with commit():
            client.post(url, {"language": "en"})
    with commit():
        response = client.post(url, {"language": "en"}, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "You have sent many tests in a short time" in shown
    assert len(mailoutbox) == 2
    # Another organizer has their own allowance.
    other = UserFactory(role="organizer")
    client.force_login(other)
    with commit():
        client.post(url, {"language": "en"})
    assert mailoutbox[-1].to == [other.email]


def test_test_is_audited(client, commit, organizer):
    bulk = _draft(organizer)
    client.force_login(organizer)
    with commit():
        client.post(
            reverse("admin:emails_bulkemail_send_test", args=[bulk.pk]),
            {"language": "en"},
        )
    entry = AuditLog.objects.get(action="email.bulk_test_sent")
    assert entry.actor == organizer
    assert entry.changes == {"languages": ["en"], "to": organizer.email}


def test_empty_draft_sends_no_test(client, commit, mailoutbox, organizer):
    bulk = _draft(organizer, subject_en="", body_en="", subject_es="", body_es="")
    client.force_login(organizer)
    with commit():
        response = client.post(
            reverse("admin:emails_bulkemail_send_test", args=[bulk.pk]), follow=True
        )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Write the subject and message" in shown
    assert mailoutbox == []


def test_get_sends_nothing(client, mailoutbox, organizer):
    bulk = _draft(organizer)
    client.force_login(organizer)
    response = client.get(reverse("admin:emails_bulkemail_send_test", args=[bulk.pk]))
    assert response.status_code == 302
    assert mailoutbox == []


def test_member_and_volunteer_cannot_send_tests(
    client, commit, mailoutbox, member, volunteer, organizer
):
    bulk = _draft(organizer)
    for user in (member, volunteer):
        client.force_login(user)
        with commit():
            response = client.post(
                reverse("admin:emails_bulkemail_send_test", args=[bulk.pk]),
                {"language": "en"},
            )
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert mailoutbox == []


def test_unknown_bulk_email_is_a_404(client, organizer):
    client.force_login(organizer)
    response = client.post(
        reverse("admin:emails_bulkemail_send_test", args=[999_999]),
        {"language": "en"},
    )
    assert response.status_code == 404


def test_change_form_offers_the_test_button_on_drafts_only(client, commit, organizer):
    bulk = _draft(organizer)
    client.force_login(organizer)
    change = reverse("admin:emails_bulkemail_change", args=[bulk.pk])
    assert 'name="_sendtest"' in client.get(change).text
    assert 'name="_sendtest"' in client.get(reverse("admin:emails_bulkemail_add")).text
    with commit():
        bulk_email_send(bulk=bulk, actor=organizer)
    assert 'name="_sendtest"' not in client.get(change).text
