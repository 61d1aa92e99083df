"""The admin reads as one language: every page an admin can open, in Spanish, shows
no English; in English, no Spanish leaks in.

The pages and the word list live in spanglish/tests/admin_walk.py (the browser
walk in e2e/ uses them too)."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from spanglish.tests.admin_walk import (
    ACTION_PAGES,
    admin_pages,
    build_admin_objects,
    english_hits,
    spanish_hits,
    visible_text,
)

pytestmark = pytest.mark.django_db


def _client(user, language):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _pages(admin_user, objects):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return admin_pages(request, objects)


def _action_pages(client):
    """The intermediate pages of the admin actions that ask for something."""
    from django.apps import apps

    for changelist, action, label in ACTION_PAGES:
        model = apps.get_model(label)
        if action not in admin.site._registry[model].get_actions(_request(client)):
            continue
        obj = model._default_manager.first()
        response = client.post(
            reverse(changelist),
            {"action": action, "_selected_action": [obj.pk], "index": 0},
        )
        yield f"{changelist} → {action}", response


def _request(client):
    request = RequestFactory().get("/admin/")
    request.user = client._admin_user
    return request


def _report(found) -> str:
    return "Words of the other language:\n" + "\n".join(
        f"  {page}: {', '.join(hits)}" for page, hits in found.items()
    )


@pytest.mark.parametrize("role", ["admin", "organizer"])
def test_every_admin_page_reads_in_spanish(role, admin_user, organizer):
    """Admins see every page, technical details included; organizers their share."""
    objects = build_admin_objects(admin_user)
    user = admin_user if role == "admin" else organizer
    client = _client(user, "es")
    client._admin_user = user
    found = {}
    pages = _pages(user, objects)
    assert len(pages) > (80 if role == "admin" else 50), pages  # not vacuous
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        assert response.headers["Content-Language"] == "es", page
        hits = english_hits(visible_text(response.content.decode(), "es"))
        if hits:
            found[page] = hits
    for name, response in _action_pages(client):
        assert response.status_code == 200, name
        hits = english_hits(visible_text(response.content.decode()))
        if hits:
            found[name] = hits
    assert found == {}, _report(found)


def test_the_login_page_reads_in_spanish(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get("/admin/login/?next=/admin/")
    assert english_hits(visible_text(response.content.decode())) == []


def test_every_admin_page_reads_in_english(admin_user):
    objects = build_admin_objects(admin_user)
    client = _client(admin_user, "en")
    found = {}
    for page in _pages(admin_user, objects):
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        hits = spanish_hits(visible_text(response.content.decode(), "en"))
        if hits:
            found[page] = hits
    assert found == {}, _report(found)
