from decimal import Decimal

import pytest

from events.tests.factories import EventFactory
from passes import services
from passes.models import Pass, PassStatus
from passes.tests.factories import PassFactory, PassProductFactory


def test_products_are_public_and_only_those_on_sale(
    api_client, product, django_assert_max_num_queries
):
    PassProductFactory(is_active=False)
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/pass-products")
    assert response.status_code == 200
    (only,) = response.json()["results"]
    assert only["id"] == str(product.pk)
    assert only["sessions"] == 10
    assert only["price"] == "100.00"
    assert api_client.get("/api/pass-products/").status_code == 200


def test_members_list_their_own_passes_only(
    auth_client, member, django_assert_max_num_queries
):
    mine = PassFactory(user=member)
    services.pass_book_session(
        pass_=mine, event=EventFactory(price=Decimal("5")), user=member
    )
    PassFactory()  # someone else's
    with django_assert_max_num_queries(8):
        response = auth_client(member).get("/api/passes")
    assert response.status_code == 200
    (only,) = response.json()["results"]
    assert only["id"] == str(mine.pk)
    assert only["sessions_left"] == 4
    assert len(only["uses"]) == 1
    assert only["uses"][0]["counts"] is True


def test_members_may_not_list_someone_elses_passes(auth_client, member, volunteer):
    PassFactory(user=volunteer)
    response = auth_client(member).get(f"/api/passes?user={volunteer.pk}")
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["organizer", "admin_user"])
def test_staff_list_everyones_passes_or_one_persons(
    auth_client, member, volunteer, role, request
):
    staff = request.getfixturevalue(role)
    PassFactory(user=member)
    theirs = PassFactory(user=volunteer)
    client = auth_client(staff)
    assert client.get("/api/passes").json()["count"] == 2
    response = client.get(f"/api/passes/?user={volunteer.pk}")
    assert [p["id"] for p in response.json()["results"]] == [str(theirs.pk)]


def test_volunteers_see_only_their_own_passes(auth_client, member, volunteer):
    PassFactory(user=member)
    assert auth_client(volunteer).get("/api/passes").json()["count"] == 0


def test_anonymous_gets_401_on_passes(api_client, db):
    assert api_client.get("/api/passes").status_code == 401
    assert api_client.post("/api/passes/purchase", {}).status_code == 401


def test_pass_detail_for_holder_and_staff_404_for_others(
    auth_client, member, volunteer, organizer
):
    mine = PassFactory(user=member)
    assert auth_client(member).get(f"/api/passes/{mine.pk}").status_code == 200
    assert auth_client(organizer).get(f"/api/passes/{mine.pk}/").status_code == 200
    assert auth_client(volunteer).get(f"/api/passes/{mine.pk}").status_code == 404


def test_purchase_returns_the_checkout_address(fake, auth_client, member, product):
    response = auth_client(member).post(
        "/api/passes/purchase", {"product": str(product.pk), "provider": "stripe"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["checkout_url"].startswith("https://checkout.stripe.test/")
    pass_purchase = Pass.objects.get(pk=body["pass_id"])
    assert pass_purchase.user == member
    assert pass_purchase.status == PassStatus.PENDING_PAYMENT


def test_purchase_of_a_product_not_on_sale_is_404(fake, auth_client, member):
    product = PassProductFactory(is_active=False)
    response = auth_client(member).post(
        "/api/passes/purchase", {"product": str(product.pk), "provider": "stripe"}
    )
    assert response.status_code == 404


def test_purchase_with_an_unconfigured_provider_is_400(auth_client, member, product):
    response = auth_client(member).post(
        "/api/passes/purchase", {"product": str(product.pk), "provider": "stripe"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["provider"]


def test_use_books_with_the_pass_and_reports_the_balance(auth_client, member):
    PassFactory(user=member)
    event = EventFactory(price=Decimal("8"))
    response = auth_client(member).post("/api/passes/use", {"event": str(event.pk)})
    assert response.status_code == 201
    assert response.json()["sessions_left"] == 4
    assert response.json()["ticket_status"] == "confirmed"


def test_use_without_a_pass_is_409(auth_client, member):
    event = EventFactory(price=Decimal("8"))
    response = auth_client(member).post("/api/passes/use/", {"event": str(event.pk)})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_usable_pass"
