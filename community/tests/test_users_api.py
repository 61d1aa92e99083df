from decimal import Decimal

import pytest
from django.utils import timezone

from community.models import AuditLog, Role
from community.tests.factories import UserFactory
from payments.models import Payment, PaymentStatus, Provider
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role,status",
    [("member", 403), ("volunteer", 403), ("organizer", 200), ("admin_user", 200)],
)
def test_user_list_is_for_staff_only(request, auth_client, role, status):
    client = auth_client(request.getfixturevalue(role))
    assert client.get("/api/users").status_code == status


def test_user_list_anonymous_is_401(api_client):
    assert api_client.get("/api/users/").status_code == 401


def test_user_list_search(auth_client, organizer, django_assert_max_num_queries):
    UserFactory(name="Lucía Pérez", email="lucia@example.com")
    UserFactory(name="Tom", email="tom@example.com", phone="+34 611 222")
    UserFactory.create_batch(5)
    client = auth_client(organizer)
    with django_assert_max_num_queries(4):
        results = client.get("/api/users?search=LUCIA").json()["results"]
    assert [u["email"] for u in results] == ["lucia@example.com"]
    assert client.get("/api/users/?search=611").json()["results"][0]["name"] == "Tom"
    assert client.get("/api/users").json()["count"] == 8


@pytest.mark.parametrize("role", ["member", "volunteer"])
def test_non_staff_get_404_for_other_users(request, auth_client, role):
    me = request.getfixturevalue(role)
    other = UserFactory()
    client = auth_client(me)
    assert client.get(f"/api/users/{other.pk}").status_code == 404
    assert client.put(f"/api/users/{other.pk}", {"name": "x"}).status_code == 404
    assert client.get(f"/api/users/{other.pk}/history").status_code == 404
    assert client.get(f"/api/users/{me.pk}").json()["email"] == me.email


def test_member_updates_own_profile_but_not_role(auth_client, member):
    client = auth_client(member)
    response = client.put(
        f"/api/users/{member.pk}/",
        {"name": "Ana", "language": "es", "marketing_consent": True},
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Ana" and response.json()["marketing_consent"]
    denied = client.put(f"/api/users/{member.pk}", {"role": "admin"})
    assert denied.status_code == 403
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_organizer_edits_members_but_cannot_change_roles(
    auth_client, organizer, member
):
    client = auth_client(organizer)
    assert client.put(f"/api/users/{member.pk}", {"phone": "+34 1"}).status_code == 200
    denied = client.put(f"/api/users/{member.pk}", {"role": "organizer"})
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "permission_denied"
    member.refresh_from_db()
    assert member.role == Role.MEMBER and member.phone == "+34 1"


def test_admin_changes_role_through_the_service_and_it_is_audited(
    auth_client, admin_user, member
):
    response = auth_client(admin_user).put(
        f"/api/users/{member.pk}", {"role": "organizer"}
    )
    assert response.status_code == 200 and response.json()["role"] == "organizer"
    member.refresh_from_db()
    assert member.is_staff and member.groups.filter(name="Organizers").exists()
    entry = AuditLog.objects.get(action="user.role_changed")
    assert entry.actor == admin_user and entry.changes == {
        "role": ["member", "organizer"]
    }
    assert entry.ip_address == "127.0.0.1" and entry.request_id


def test_put_validates_input(auth_client, member):
    response = auth_client(member).put(f"/api/users/{member.pk}", {"language": "fr"})
    assert response.status_code == 400
    assert "language" in response.json()["error"]["fields"]


def test_history_has_tickets_payments_and_attendance_without_n_plus_1(
    auth_client, organizer, member, django_assert_max_num_queries
):
    for n in range(4):
        ticket = TicketFactory(user=member)
        Payment.objects.create(
            payable_kind="ticket",
            payable_id=str(ticket.pk),
            provider=Provider.CASH,
            amount=Decimal("10.00"),
            currency="EUR",
            status=PaymentStatus.SUCCEEDED,
        )
        if n < 2:
            ticket.status = "checked_in"
            ticket.checkin_at = timezone.now()
            ticket.save()
    client = auth_client(organizer)
    with django_assert_max_num_queries(5):
        data = client.get(f"/api/users/{member.pk}/history").json()
    assert data["attendance"] == {
        "tickets": 4,
        "attended": 2,
        "no_shows": 0,
        "no_shows_counted": 0,
    }
    assert len(data["tickets"]) == 4
    assert data["tickets"][0]["payments"][0]["amount"] == "10.00"
    assert {t["attended"] for t in data["tickets"]} == {True, False}
    # The member sees their own history too.
    assert auth_client(member).get(f"/api/users/{member.pk}/history").status_code == 200
