"""The user admin: language profile inline and the no-show count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import LanguageSkill
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from tickets.models import TicketStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def past_event():
    starts = timezone.now() - timedelta(days=7)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))


def test_user_list_shows_no_shows_without_a_query_per_row(
    client, admin_user, django_assert_max_num_queries
):
    for n in range(5):
        user = UserFactory(name=f"Member {n}")
        for _ in range(n):
            TicketFactory(user=user, event=past_event())
    checked_in = UserFactory(name="Came along")
    TicketFactory(
        user=checked_in,
        event=past_event(),
        status=TicketStatus.CHECKED_IN,
        checkin_at=timezone.now(),
    )
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:community_user_changelist"))
    assert response.status_code == 200
    assert "No-shows" in response.text
    row = response.context["cl"].result_list.get(name="Member 4")
    assert row.no_show_count == 4
    assert response.context["cl"].result_list.get(name="Came along").no_show_count == 0


def test_user_change_page_shows_language_profile_and_no_shows(client, admin_user):
    member = UserFactory(name="Learner")
    LanguageSkill.objects.create(
        user=member, language="es", kind="learning", level="B1"
    )
    LanguageSkill.objects.create(user=member, language="en", kind="native")
    TicketFactory(user=member, event=past_event())
    client.force_login(admin_user)
    response = client.get(reverse("admin:community_user_change", args=[member.pk]))
    assert response.status_code == 200
    html = response.text
    assert "Languages" in html and "B1" in html and "Native" in html
    assert "No-shows" in html
    assert response.context["adminform"].form.instance.no_show_count == 1


def test_add_user_page_has_no_language_inline(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:community_user_add"))
    assert response.status_code == 200
    assert "language_skills-TOTAL_FORMS" not in response.text
