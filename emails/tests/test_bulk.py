import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from community.models import AuditLog
from community.tests.factories import UserFactory
from emails.bulk import bulk_email_dispatch_now, bulk_email_send
from emails.models import BulkAudience, BulkEmail, BulkStatus, EmailLog, EmailStatus
from events.tests.factories import EventFactory
from spanglish.errors import ConflictError
from tickets.models import TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _subscriber(**kwargs):
    return UserFactory(
        marketing_consent=True, email_verified_at=timezone.now(), **kwargs
    )


def _news(organizer, **kwargs):
    fields = {
        "audience": BulkAudience.NEWS_SUBSCRIBERS,
        "subject_en": "Summer party",
        "body_en": "Join us on the terrace & bring a friend.",
        "subject_es": "Fiesta de verano",
        "body_es": "Ven a la terraza.",
        "created_by": organizer,
    }
    return BulkEmail.objects.create(**{**fields, **kwargs})


def test_news_goes_once_to_each_consenting_member_in_their_language(
    commit, mailoutbox, organizer
):
    en, es = _subscriber(language="en"), _subscriber(language="es")
    UserFactory(marketing_consent=False)  # never consented
    _subscriber(is_active=False)  # closed account
    bulk = _news(organizer)
    with commit():
        bulk_email_send(bulk=bulk, actor=organizer)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {en.email, es.email}
    assert by_address[en.email].subject == "Summer party"
    assert by_address[es.email].subject == "Fiesta de verano"
    assert "terrace & bring" in by_address[en.email].body
    bulk.refresh_from_db()
    assert bulk.status == BulkStatus.SENT
    assert bulk.recipient_count == 2
    assert set(bulk.logs.values_list("status", flat=True)) == {EmailStatus.SENT}


def test_bulk_email_carries_one_click_unsubscribe_headers(
    commit, mailoutbox, organizer
):
    user = _subscriber(language="en")
    with commit():
        bulk_email_send(bulk=_news(organizer), actor=organizer)
    [message] = mailoutbox
    headers = message.message()
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http") and "/email/unsubscribe/" in url
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body  # the visible link too
    assert user.email == message.to[0]


def test_english_only_message_reaches_spanish_speakers_in_english(
    commit, mailoutbox, organizer
):
    _subscriber(language="es")
    bulk = _news(organizer, subject_es="", body_es="")
    with commit():
        bulk_email_send(bulk=bulk, actor=organizer)
    [message] = mailoutbox
    assert message.subject == "Summer party"
    assert EmailLog.objects.get().language == "en"


def test_bulk_sending_is_exactly_once_even_when_dispatched_again(
    commit, mailoutbox, organizer
):
    _subscriber()
    _subscriber()
    bulk = _news(organizer)
    with commit():
        bulk_email_send(bulk=bulk, actor=organizer)
    assert len(mailoutbox) == 2
    # A worker that crashed and ran the dispatch again queues nobody twice.
    with commit():
        bulk_email_dispatch_now(bulk_id=bulk.pk)
    assert len(mailoutbox) == 2
    assert EmailLog.objects.filter(bulk=bulk).count() == 2
    with pytest.raises(ConflictError):
        bulk_email_send(bulk=bulk, actor=organizer)


def test_bulk_send_is_audited(commit, organizer):
    bulk = _news(organizer)
    with commit():
        bulk_email_send(bulk=bulk, actor=organizer)
    entry = AuditLog.objects.get(action="email.bulk_sent")
    assert entry.actor == organizer


def test_event_message_goes_to_active_ticket_holders(commit, mailoutbox, organizer):
    event = EventFactory()
    holder = TicketFactory(event=event)
    unsubscribed = TicketFactory(event=event, user=UserFactory(marketing_consent=False))
    TicketFactory(event=event, status=TicketStatus.CANCELLED)
    bulk = _news(
        organizer,
        audience=BulkAudience.EVENT_ATTENDEES,
        audience_params={"event": str(event.pk)},
    )
    with commit():
        bulk_email_send(bulk=bulk, actor=organizer)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [holder.user.email, unsubscribed.user.email]
    )


def test_bulk_without_any_message_is_refused(organizer):
    bulk = _news(organizer, subject_en="", body_en="", subject_es="", body_es="")
    with pytest.raises(ValidationError):
        bulk_email_send(bulk=bulk, actor=organizer)
    bulk.refresh_from_db()
    assert bulk.status == BulkStatus.DRAFT


def test_organizer_previews_and_sends_from_admin(client, commit, mailoutbox, organizer):
    _subscriber(language="es")
    bulk = _news(organizer)
    client.force_login(organizer)
    page = client.get(reverse("admin:emails_bulkemail_preview", args=[bulk.pk, "es"]))
    assert page.status_code == 200
    assert "Fiesta de verano" in page.text
    assert "Send to 1 recipient" in page.text
    html = client.get(
        reverse("admin:emails_bulkemail_preview_html", args=[bulk.pk, "es"])
    )
    assert html.status_code == 200 and "Ven a la terraza." in html.text
    assert mailoutbox == []  # preview sends nothing
    with commit():
        response = client.post(reverse("admin:emails_bulkemail_send", args=[bulk.pk]))
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    change = client.get(reverse("admin:emails_bulkemail_change", args=[bulk.pk]))
    assert "1 sent, 0 failed, 0 queued of 1" in change.text
    log_list = client.get(
        reverse("admin:emails_emaillog_changelist") + f"?bulk__id__exact={bulk.pk}"
    )
    assert log_list.status_code == 200
    assert "Fiesta de verano" in log_list.text


def test_member_cannot_reach_the_bulk_admin(client, member):
    bulk = BulkEmail.objects.create(
        audience=BulkAudience.NEWS_SUBSCRIBERS, subject_en="x", body_en="y"
    )
    client.force_login(member)
    response = client.post(reverse("admin:emails_bulkemail_send", args=[bulk.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    bulk.refresh_from_db()
    assert bulk.status == BulkStatus.DRAFT


def test_organizer_picks_the_event_of_an_attendees_message_from_a_list(
    client, organizer
):
    event = EventFactory(title_en="Tapas night")
    client.force_login(organizer)
    add = reverse("admin:emails_bulkemail_add")
    form = client.get(add)
    assert f'value="{event.pk}"' in form.content.decode()

    missing = client.post(
        add,
        {"audience": BulkAudience.EVENT_ATTENDEES, "subject_en": "Hi", "body_en": "x"},
    )
    created = client.post(
        add,
        {
            "audience": BulkAudience.EVENT_ATTENDEES,
            "event": str(event.pk),
            "subject_en": "Hi",
            "body_en": "x",
        },
    )

    assert missing.status_code == 200  # the form again, with the event required
    assert created.status_code == 302
    bulk = BulkEmail.objects.get()
    assert bulk.audience_params == {"event": str(event.pk)}
    listing = client.get(reverse("admin:emails_bulkemail_changelist"))
    assert "Tapas night" in listing.content.decode()
