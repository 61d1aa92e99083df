import pytest
from django.urls import reverse

from community.models import AuditLog, Role
from community.services import user_set_role
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_role_sets_admin_flags_and_groups(member):
    user_set_role(user=member, role=Role.ORGANIZER)
    assert member.is_staff and not member.is_superuser
    assert member.has_perm("events.change_event")
    assert not member.has_perm("community.change_user")
    user_set_role(user=member, role=Role.VOLUNTEER)
    member = type(member).objects.get(pk=member.pk)
    assert not member.is_staff
    assert not member.has_perm("events.change_event")


def test_role_change_is_audited(member, admin_user):
    user_set_role(user=member, role=Role.ORGANIZER, actor=admin_user)
    entry = AuditLog.objects.get(action="user.role_changed")
    assert entry.changes == {"role": ["member", "organizer"]}
    assert entry.actor == admin_user


def test_organizer_admin_shows_events_not_users_changes(client, organizer):
    client.force_login(organizer)
    assert client.get(reverse("admin:events_event_changelist")).status_code == 200
    assert client.get(reverse("admin:community_user_add")).status_code == 403


@pytest.mark.parametrize("role", ["member", "volunteer"])
def test_non_staff_cannot_enter_admin(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_admin_pages_load_under_csp(client, admin_user):
    event = EventFactory()
    client.force_login(admin_user)
    for name, args in [
        ("admin:index", []),
        ("admin:events_event_changelist", []),
        ("admin:events_event_change", [event.pk]),
        ("admin:events_event_add", []),
        ("admin:community_user_changelist", []),
        ("admin:community_user_change", [admin_user.pk]),
        ("admin:community_auditlog_changelist", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


def test_admin_actions_publish_and_cancel(client, admin_user):
    from events.models import EventStatus

    draft = EventFactory(status=EventStatus.DRAFT)
    client.force_login(admin_user)
    url = reverse("admin:events_event_changelist")
    client.post(url, {"action": "publish_events", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED
    client.post(url, {"action": "cancel_events", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == EventStatus.CANCELLED


def test_audit_log_is_read_only_in_admin(client, admin_user):
    entry = AuditLog.objects.create(action="x")
    client.force_login(admin_user)
    assert (
        client.get(
            reverse("admin:community_auditlog_delete", args=[entry.pk])
        ).status_code
        == 403
    )
    response = client.post(
        reverse("admin:community_auditlog_change", args=[entry.pk]), {"action": "y"}
    )
    entry.refresh_from_db()
    assert entry.action == "x" and response.status_code in (403, 200)
