from datetime import UTC, datetime

import pytest

from calendars.models import Click
from events.tests.factories import EventFactory


@pytest.mark.django_db
def test_event_admin_page_shows_embed_code_copy_button_and_chart(client, admin_user):
    event = EventFactory(title_en="Tapas night")
    click = Click.objects.create(event=event, type="google")
    Click.objects.filter(pk=click.pk).update(
        created_at=datetime(2026, 3, 28, 12, tzinfo=UTC)
    )
    client.force_login(admin_user)
    response = client.get(f"/admin/events/event/{event.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;iframe src=&quot;" in html
    assert f"/widget/event/{event.public_id}" in html
    assert 'data-copy-target="calendars-iframe-code"' in html
    assert "calendars/admin_copy.js" in html
    assert '<svg class="calendars-chart" role="img"' in html
    assert "<title>2026-03-28: 1</title>" in html
    # The chart and the copy button need no inline script.
    assert "onclick" not in html


@pytest.mark.django_db
def test_event_admin_add_page_has_no_widget_panel(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/events/event/add/")
    assert response.status_code == 200
    assert "calendars-iframe-code" not in response.content.decode()
