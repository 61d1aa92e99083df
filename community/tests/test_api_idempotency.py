"""Idempotency-Key on the API's purchases: a retry replays the first answer, never
books or charges twice (community/api/idempotency.py)."""

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from community.api.idempotency import idempotency_keys_purge
from community.models import IdempotencyKey
from community.tasks import purge_idempotency_keys
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from passes.models import Pass
from passes.tests.factories import PassProductFactory
from payments.models import Payment
from tickets.models import Ticket


def _purchase(client, product, key, provider="stripe"):
    return client.post(
        "/api/passes/purchase",
        {"product": str(product.pk), "provider": provider},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.fixture
def product(db):
    return PassProductFactory(sessions=10, price=Decimal("100.00"), currency="EUR")


def test_a_retried_purchase_replays_the_first_answer_and_buys_once(
    fake, auth_client, member, product
):
    client = auth_client(member)
    key = str(uuid.uuid4())
    first = _purchase(client, product, key)
    again = _purchase(client, product, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Pass.objects.filter(user=member).count() == 1
    assert Payment.objects.count() == 1
    assert len(fake.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_the_same_key_with_another_body_is_a_409(fake, auth_client, member, product):
    client = auth_client(member)
    key = str(uuid.uuid4())
    assert _purchase(client, product, key).status_code == 201
    other = _purchase(client, product, key, provider="mercadopago")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Pass.objects.filter(user=member).count() == 1


def test_the_same_key_on_another_operation_is_a_409(fake, auth_client, member, product):
    client = auth_client(member)
    key = str(uuid.uuid4())
    assert _purchase(client, product, key).status_code == 201
    event = EventFactory()
    booking = client.post(
        "/api/tickets", {"event": str(event.pk)}, HTTP_IDEMPOTENCY_KEY=key
    )
    assert booking.status_code == 409
    assert not Ticket.objects.filter(user=member).exists()


def test_keys_belong_to_their_caller(fake, auth_client, member, product):
    key = str(uuid.uuid4())
    mine = _purchase(auth_client(member), product, key)
    stranger = UserFactory()
    theirs = _purchase(auth_client(stranger), product, key)
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert theirs.json()["pass"] != mine.json()["pass"]
    assert Pass.objects.get(pk=theirs.json()["pass"]).user == stranger


def test_a_failed_attempt_is_not_kept_so_the_key_can_be_retried(
    auth_client, member, product, settings, fake
):
    client = auth_client(member)
    key = str(uuid.uuid4())
    settings.STRIPE_SECRET_KEY = ""  # the provider is not configured: 400
    assert _purchase(client, product, key).status_code == 400
    assert not IdempotencyKey.objects.exists()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    assert _purchase(client, product, key).status_code == 201


def test_a_key_that_is_not_printable_ascii_is_refused(auth_client, member, product):
    response = _purchase(auth_client(member), product, "two words")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_a_booking_retry_replays_the_201(auth_client, member):
    event = EventFactory()
    client = auth_client(member)
    key = str(uuid.uuid4())
    first = client.post(
        "/api/tickets", {"event": str(event.pk)}, HTTP_IDEMPOTENCY_KEY=key
    )
    again = client.post(
        "/api/tickets", {"event": str(event.pk)}, HTTP_IDEMPOTENCY_KEY=key
    )
    # Without the key a second booking answers 200 with the same ticket; with it,
    # the client gets exactly the first answer back.
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()


def test_a_payment_retry_starts_one_checkout(fake, held_ticket, auth_client):
    ticket = held_ticket()
    client = auth_client(ticket.user)
    body = {"ticket": str(ticket.pk), "provider": "stripe"}
    key = str(uuid.uuid4())
    first = client.post("/api/payments/initiate", body, HTTP_IDEMPOTENCY_KEY=key)
    again = client.post("/api/payments/initiate", body, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Payment.objects.count() == 1
    # Without a key, the same request is a new one.
    other = client.post("/api/payments/initiate", body)
    assert "Idempotent-Replayed" not in other


def test_a_replay_is_only_for_the_caller_allowed_the_first_answer(
    fake,
    held_ticket,
    auth_client,
    member,
):
    ticket = held_ticket()
    body = {"ticket": str(ticket.pk), "provider": "stripe"}
    key = str(uuid.uuid4())
    first = auth_client(ticket.user).post(
        "/api/payments/initiate", body, HTTP_IDEMPOTENCY_KEY=key
    )
    assert first.status_code == 201
    stranger = auth_client(member).post(
        "/api/payments/initiate", body, HTTP_IDEMPOTENCY_KEY=key
    )
    assert stranger.status_code == 404
    assert first.json()["id"] not in stranger.content.decode()


def test_expired_keys_are_purged_and_can_be_used_again(
    fake, auth_client, member, product
):
    client = auth_client(member)
    key = str(uuid.uuid4())
    assert _purchase(client, product, key).status_code == 201
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # An expired key runs the request again (no replay)…
    again = _purchase(client, product, key)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    # …and the periodic job removes what has expired.
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert idempotency_keys_purge() == 1
    assert not IdempotencyKey.objects.exists()


def test_the_purge_job_reports_what_it_deleted(db):
    IdempotencyKey.objects.create(
        caller="x",
        key="k",
        fingerprint="f",
        status_code=201,
        expires_at=timezone.now() - timedelta(hours=1),
    )
    IdempotencyKey.objects.create(
        caller="x",
        key="fresh",
        fingerprint="f",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert purge_idempotency_keys.call() == "1 expired idempotency keys deleted."
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_a_purchase_run_once(fake, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (SQLite serialises them)")
    buyer = UserFactory()
    product = PassProductFactory(sessions=10, price=Decimal("100.00"))
    token = str(RefreshToken.for_user(buyer).access_token)
    key = str(uuid.uuid4())
    copies = 6
    barrier = threading.Barrier(copies)
    answers = []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            barrier.wait()
            answers.append(_purchase(client, product, key))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Pass.objects.filter(user=buyer).count() == 1
    assert Payment.objects.count() == 1
    ran = [
        a for a in answers if a.status_code == 201 and "Idempotent-Replayed" not in a
    ]
    assert len(ran) == 1
    for other in answers:
        if other is ran[0]:
            continue
        if other.status_code == 409:
            assert other.json()["error"]["code"] == "idempotency_in_progress"
            assert other["Retry-After"] == "1"
        else:
            assert other["Idempotent-Replayed"] == "true"
            assert other.json() == ran[0].json()
