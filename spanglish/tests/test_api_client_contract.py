"""The API as a client sees it (issue 19): round-trips keep edits, one name per
thing, unknown fields named, 404 for what is not yours, errors in the request's
language, English schema prose, limits stated."""

import time
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community.tests.factories import UserFactory
from events.models import Event
from events.services import series_create
from events.tests.factories import EventFactory
from media.tests import images
from passes.tests.factories import PassFactory
from tickets.models import TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- Round-trips keep the edit --------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("headers", [ENGLISH, SPANISH], ids=["en", "es"])
def test_get_change_title_and_send_back_keeps_the_edit(
    method, headers, auth_client, organizer
):
    event = EventFactory(title_es="Intercambio", title_en="Exchange")
    client = auth_client(organizer)
    document = client.get(f"/api/events/{event.pk}", **headers).json()
    document["title"] = "New title"
    response = getattr(client, method)(
        f"/api/events/{event.pk}", document, format="json", **headers
    )
    assert response.status_code == 200
    assert response.json()["title"] == "New title"
    event.refresh_from_db()
    if headers is SPANISH:
        assert (event.title_es, event.title_en) == ("New title", "Exchange")
    else:
        assert (event.title_es, event.title_en) == ("Intercambio", "New title")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_language_field_edited_in_the_document_is_kept(
    method, auth_client, organizer
):
    event = EventFactory(title_es="Intercambio", title_en="Exchange")
    client = auth_client(organizer)
    document = client.get(f"/api/events/{event.pk}", **ENGLISH).json()
    document["title_es"] = "Intercambio de idiomas"  # `title` comes back unchanged
    response = getattr(client, method)(
        f"/api/events/{event.pk}", document, format="json", **ENGLISH
    )
    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.title_es, event.title_en) == ("Intercambio de idiomas", "Exchange")


def test_title_wins_over_the_same_language_field(auth_client, organizer):
    event = EventFactory(title_es="Intercambio", title_en="Exchange")
    response = auth_client(organizer).patch(
        f"/api/events/{event.pk}",
        {"title": "Language exchange", "title_en": "Ignored"},
        format="json",
        **ENGLISH,
    )
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.title_en == "Language exchange"


def test_a_title_shown_from_the_other_language_is_not_copied_over(
    auth_client, organizer
):
    event = EventFactory(title_es="Intercambio", title_en="")
    client = auth_client(organizer)
    document = client.get(f"/api/events/{event.pk}", **ENGLISH).json()
    assert document["title"] == "Intercambio"  # falls back to Spanish
    document["capacity"] = 30
    assert (
        client.put(
            f"/api/events/{event.pk}", document, format="json", **ENGLISH
        ).json()["capacity"]
        == 30
    )
    event.refresh_from_db()
    assert (event.title_es, event.title_en, event.capacity) == ("Intercambio", "", 30)


def test_a_new_event_takes_title_in_the_request_language(auth_client, organizer):
    start = timezone.now() + timedelta(days=9)
    response = auth_client(organizer).post(
        "/api/events",
        {
            "title": "Verb workshop",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
        },
        format="json",
        **ENGLISH,
    )
    assert response.status_code == 201
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.title_en, event.title_es) == ("Verb workshop", "")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_series_round_trip_keeps_the_edit(method, auth_client, organizer):
    series = series_create(
        title_es="Martes",
        title_en="Tuesdays",
        start_date=timezone.localdate() + timedelta(days=2),
        start_time=clock(19, 0),
        count=3,
    )
    client = auth_client(organizer)
    document = client.get(f"/api/series/{series.pk}", **SPANISH).json()
    document["title"] = "Martes de idiomas"
    response = getattr(client, method)(
        f"/api/series/{series.pk}", document, format="json", **SPANISH
    )
    assert response.status_code == 200, response.json()
    series.refresh_from_db()
    assert (series.title_es, series.title_en) == ("Martes de idiomas", "Tuesdays")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_user_round_trip_keeps_the_edit(method, auth_client, member):
    client = auth_client(member)
    document = client.get(f"/api/users/{member.pk}").json()
    document["phone"] = "+34 611 222 333"
    response = getattr(client, method)(
        f"/api/users/{member.pk}", document, format="json"
    )
    if method == "patch":  # the users endpoint has no PATCH
        assert response.status_code == 405
        return
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.phone == "+34 611 222 333"


# --- Unknown fields are refused by name; read-only ones are ignored ----------------


def test_fields_from_another_specification_are_refused_by_name(auth_client, organizer):
    start = timezone.now() + timedelta(days=9)
    response = auth_client(organizer).post(
        "/api/events",
        {
            "title": "Exchange",
            "location": "Café Central",
            "start_datetime": start.isoformat(),
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Unknown fields: location, start_datetime."
    assert {"location", "start_datetime"} <= set(error["fields"])
    assert not Event.objects.exists()


def test_read_only_fields_sent_back_are_ignored(auth_client, organizer):
    event = EventFactory(capacity=20)
    response = auth_client(organizer).patch(
        f"/api/events/{event.pk}",
        {
            "id": "00000000-0000-0000-0000-000000000000",
            "url": "https://elsewhere.example/",
            "seats_left": 999,
            "banner_image": None,
            "capacity": 25,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(event.pk)
    assert (body["capacity"], body["seats_left"]) == (25, 25)


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/tickets", {"evnt": "x"}),
        ("/api/passes/use", {"event_id": "x"}),
        ("/api/auth/register", {"email": "a@example.com", "username": "a"}),
        ("/api/auth/login", {"email": "a@example.com", "password": "x", "remember": 1}),
    ],
)
def test_unknown_fields_are_refused_everywhere(path, body, auth_client, member):
    response = auth_client(member).post(path, body, format="json")
    assert response.status_code == 400
    extra = set(body) - {"email", "password"}
    assert extra <= set(response.json()["error"]["fields"])


def test_unknown_fields_inside_a_list_are_refused(auth_client, organizer):
    event = EventFactory()
    response = auth_client(organizer).post(
        "/api/door/sync",
        {
            "event": str(event.pk),
            "checkins": [
                {
                    "code": "X",
                    "checked_in_at": timezone.now().isoformat(),
                    "client_id": "c1",
                    "guest_count": 2,
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "checkins" in response.json()["error"]["fields"]


# --- Missing fields: banner, holder, provider reference -----------------------------


def test_the_banner_is_set_by_media_id_and_read_with_its_variants(
    auth_client, organizer, django_capture_on_commit_callbacks
):
    event = EventFactory()
    client = auth_client(organizer)
    file = SimpleUploadedFile("b.jpg", images.jpeg((900, 600)), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the variants' worker
        upload = client.post("/api/media/upload", {"file": file}, format="multipart")
    media_id = upload.json()["id"]
    response = client.patch(
        f"/api/events/{event.pk}", {"banner": media_id}, format="json"
    )
    assert response.status_code == 200
    body = client.get(f"/api/events/{event.pk}").json()
    assert body["banner"] == media_id
    banner = body["banner_image"]
    assert banner["id"] == media_id
    assert banner["url"].startswith("http")
    assert banner["variants_ready"] is True
    assert {v["format"] for v in banner["variants"]} == {"webp", "jpeg"}
    assert all(v["url"].startswith("http") for v in banner["variants"])
    # Round-trip with the banner in the document, then remove it.
    assert client.put(f"/api/events/{event.pk}", body, format="json").status_code == 200
    cleared = client.patch(f"/api/events/{event.pk}", {"banner": None}, format="json")
    assert cleared.json()["banner"] is None
    assert cleared.json()["banner_image"] is None


def test_a_banner_that_is_not_an_uploaded_image_is_refused(auth_client, organizer):
    event = EventFactory()
    response = auth_client(organizer).patch(
        f"/api/events/{event.pk}",
        {"banner": "00000000-0000-0000-0000-000000000000"},
        format="json",
    )
    assert response.status_code == 400
    assert "banner" in response.json()["error"]["fields"]


def test_event_list_reads_banners_without_a_query_per_event(
    api_client, django_assert_max_num_queries
):
    for _ in range(5):
        EventFactory()
    with django_assert_max_num_queries(6):
        assert api_client.get("/api/events").status_code == 200


def test_the_holder_is_shown_to_door_staff_only(auth_client, member, volunteer):
    ticket = TicketFactory(user=member)
    own = auth_client(member).get(f"/api/tickets/{ticket.pk}").json()
    assert own["user"] is None
    staff = auth_client(volunteer).get(f"/api/tickets/{ticket.pk}").json()
    assert staff["user"] == str(member.pk)
    listed = auth_client(volunteer).get(f"/api/events/{ticket.event_id}/tickets")
    assert listed.json()["results"][0]["user"] == str(member.pk)


def test_provider_references_are_for_staff_only(stripe_payment, auth_client, organizer):
    payer = stripe_payment.handler.get(stripe_payment.payable_id).user
    staff = auth_client(organizer).get(f"/api/payments/{stripe_payment.pk}").json()
    assert staff["provider_reference"] == stripe_payment.provider_reference
    assert staff["provider_reference"].startswith("cs_")
    own = auth_client(payer).get(f"/api/payments/{stripe_payment.pk}").json()
    assert own["provider_reference"] is None
    assert own["provider_payment_id"] is None


# --- One name per thing, old names deprecated -----------------------------------


def test_tickets_say_checked_in_at_and_keep_the_old_name_for_a_release(
    auth_client, volunteer
):
    ticket = TicketFactory(status=TicketStatus.CHECKED_IN, checkin_at=timezone.now())
    response = auth_client(volunteer).get(f"/api/tickets/{ticket.pk}")
    body = response.json()
    assert body["checked_in_at"] == body["checkin_at"] is not None
    assert response["Deprecation"].startswith("@")
    assert "GMT" in response["Sunset"]
    assert 'rel="deprecation"' in response["Link"]


def test_member_history_says_event_and_keeps_event_id(auth_client, member):
    ticket = TicketFactory(user=member)
    response = auth_client(member).get(f"/api/users/{member.pk}/history")
    item = response.json()["tickets"][0]
    assert item["event"] == item["event_id"] == str(ticket.event_id)
    assert item["checked_in_at"] is None
    assert response["Deprecation"]


def test_passes_say_pass_and_keep_pass_id(auth_client, member):
    PassFactory(user=member)
    event = EventFactory(price=Decimal("8"))
    client = auth_client(member)
    body = client.post("/api/passes/use", {"event": str(event.pk)}).json()
    assert body["pass"] == body["pass_id"]
    listed = client.get(f"/api/passes/{body['pass']}")
    use = listed.json()["uses"][0]
    assert use["event"] == str(event.pk)
    assert use["event_starts_at"] == use["starts_at"] is not None
    assert listed["Deprecation"]


def test_the_schema_marks_the_old_names_deprecated(api_client):
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    assert components["Ticket"]["properties"]["checkin_at"]["deprecated"] is True
    assert "checked_in_at" in components["Ticket"]["properties"]
    assert components["HistoryTicket"]["properties"]["event_id"]["deprecated"]
    assert components["Payment"]["properties"]["pass_purchase"]["deprecated"]


# --- 404 for what the caller may not see ----------------------------------------


def test_another_members_payment_is_not_found_like_a_missing_one(
    stripe_payment, auth_client, member
):
    client = auth_client(member)
    theirs = client.get(f"/api/payments/{stripe_payment.pk}")
    missing = client.get("/api/payments/00000000-0000-0000-0000-000000000000")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_another_members_ticket_and_profile_are_not_found(auth_client, member):
    other = UserFactory()
    ticket = TicketFactory(user=other)
    client = auth_client(member)
    assert client.get(f"/api/tickets/{ticket.pk}").status_code == 404
    assert client.get(f"/api/users/{other.pk}").status_code == 404
    assert client.get(f"/api/users/{other.pk}/history").status_code == 404


# --- Errors in the request's language; schema prose in English ----------------------


def test_permission_messages_follow_accept_language(auth_client, member):
    client = auth_client(member)
    english = client.post("/api/events", {}, format="json", **ENGLISH).json()
    spanish = client.post("/api/events", {}, format="json", **SPANISH).json()
    assert english["error"]["message"] == "Only organizers and admins may do this."
    assert spanish["error"]["message"].startswith("Solo las personas organizadoras")


def test_validation_messages_follow_accept_language(auth_client, member):
    response = auth_client(member).post(
        "/api/tickets", {"event": "not-a-uuid"}, format="json", **SPANISH
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Debe ser un UUID válido."
    missing = auth_client(member).post("/api/tickets", {}, format="json", **SPANISH)
    assert missing.json()["error"]["fields"]["event"] == ["Este campo es obligatorio."]


def test_unknown_field_and_sign_in_messages_in_spanish(api_client, member):
    unknown = api_client.post(
        "/api/auth/register", {"nick": "x"}, format="json", **SPANISH
    )
    assert unknown.json()["error"]["message"] == "Campo desconocido: nick."
    anonymous = api_client.get(f"/api/users/{member.pk}", **SPANISH)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["message"].startswith("Primero inicia sesión")


def test_throttle_messages_follow_accept_language(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "api": "2/minute",
        },
    }
    for _ in range(2):
        assert api_client.get("/api/events", **SPANISH).status_code == 200
    response = api_client.get("/api/events", **SPANISH)
    assert response.status_code == 429
    message = response.json()["error"]["message"]
    assert message.startswith("Demasiadas solicitudes. Vuelve a intentarlo en ")
    assert response["Retry-After"]


def test_the_schema_is_english_whatever_the_language_asked(api_client):
    spanish = api_client.get("/api/schema/", **SPANISH).content.decode()
    english = api_client.get("/api/schema/", **ENGLISH).content.decode()
    assert spanish == english
    assert "`published` - Published" in english
    assert "Publicado" not in english


# --- Limits stated -----------------------------------------------------------------


def test_every_api_answer_states_the_ceiling(api_client, auth_client, member):
    response = api_client.get("/api/events")
    assert response["RateLimit-Policy"] == '"api";q=600;w=60'
    assert response["RateLimit"].startswith('"api";r=599;t=')
    assert response["X-RateLimit-Limit"] == "600"
    assert response["X-RateLimit-Remaining"] == "599"
    assert int(response["X-RateLimit-Reset"]) >= int(time.time())
    signed_in = auth_client(member).get("/api/auth/me")
    # Counted per user when signed in: a fresh allowance, not the IP's.
    assert signed_in["X-RateLimit-Remaining"] == "599"


def test_the_ceiling_counts_users_apart_from_their_shared_ip(
    auth_client, member, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "api": "3/minute",
        },
    }
    phone = auth_client(member)
    for _ in range(3):
        assert phone.get("/api/auth/me").status_code == 200
    assert phone.get("/api/auth/me").status_code == 429
    # Another volunteer on the same venue Wi-Fi is not held back.
    assert auth_client(UserFactory()).get("/api/auth/me").status_code == 200


def test_scoped_limits_are_stated_beside_the_ceiling(api_client, member):
    response = api_client.post(
        "/api/auth/login", {"email": member.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    policies = response["RateLimit-Policy"]
    assert '"api";q=600;w=60' in policies and '"auth";q=20;w=60' in policies
    assert '"auth";r=19;' in response["RateLimit"]


def test_the_ceiling_is_a_setting_that_can_be_lifted(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "api": "",
        },
    }
    response = api_client.get("/api/events")
    assert response.status_code == 200
    assert "RateLimit-Policy" not in response


def test_webhooks_are_not_rate_limited(client):
    response = client.post(
        "/api/payments/webhook/", data={}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "RateLimit" not in response


def test_a_name_with_control_characters_does_not_break_spreadsheets(
    auth_client, member, organizer
):
    # Found by `make fuzz`: a member set such a name through the API, and the
    # members report's XLSX stopped mid-stream (XML cannot hold them).
    assert (
        auth_client(member).patch("/api/auth/me", {"name": "Ana\x07 Bell"}).status_code
        == 200
    )
    response = auth_client(organizer).get("/api/reports/members.xlsx")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
