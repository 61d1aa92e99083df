"""The seams events offers to the apps above it (events/extensions.py,
events/signals.py) and the image link that now points down (events.EventImage)."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from events import services
from events.extensions import register_event_annotation, unregister_event_annotation
from events.models import Event, EventImage
from events.selectors import event_public_list
from events.signals import event_cancelled, event_changed
from events.tests.factories import EventFactory
from tickets.selectors import with_seats_held
from tickets.services import ticket_book


@pytest.mark.django_db
def test_seats_left_of_an_event_read_without_the_annotation_still_counts_held_seats(
    member,
):
    event = EventFactory(capacity=3)
    ticket_book(event=event, user=member)
    fresh = Event.objects.get(pk=event.pk)  # plain get(): no seats annotation
    assert not hasattr(fresh, "seats_held_count")
    assert fresh.seats_left == 2
    assert event_public_list().get(pk=event.pk).seats_left == 2


@pytest.mark.django_db
def test_with_no_seat_keeping_app_registered_every_seat_is_left(member):
    event = EventFactory(capacity=3)
    ticket_book(event=event, user=member)
    unregister_event_annotation(with_seats_held)
    try:
        assert Event.objects.get(pk=event.pk).seats_left == 3
        assert event_public_list().get(pk=event.pk).seats_left == 3
    finally:
        register_event_annotation(with_seats_held)
    assert Event.objects.get(pk=event.pk).seats_left == 2


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_that_rolls_back_tells_no_one(organizer):
    event = EventFactory()
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs["event"].pk)

    event_cancelled.connect(listener)
    event_changed.connect(listener)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.event_cancel(event=event, actor=organizer)
            assert heard == []  # not before commit either
            raise RuntimeError("the caller's transaction fails")
        assert heard == []
        services.event_cancel(event=event, actor=organizer)
        assert heard == [event.pk]
    finally:
        event_cancelled.disconnect(listener)
        event_changed.disconnect(listener)


@pytest.mark.django_db(transaction=True)
def test_migration_moves_every_image_link_from_media_to_events():
    before = [("events", "0003_language_split"), ("media", "0002_event_role_variants")]
    after = [("events", "0004_eventimage"), ("media", "0003_remove_media_event")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldEvent = old.get_model("events", "Event")
    OldMedia = old.get_model("media", "Media")
    event = OldEvent.objects.create(
        slug="old",
        title_en="Old",
        starts_at="2026-01-01T18:00Z",
        ends_at="2026-01-01T20:00Z",
    )
    photos = []
    for role in ("gallery", "banner", ""):
        media = OldMedia(event=event if role else None, role=role)
        media.file.save("image.jpg", ContentFile(b"x"), save=False)
        media.save()
        photos.append(media)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    links = new.get_model("events", "EventImage").objects.all()
    assert sorted((str(link.media_id), str(link.event_id)) for link in links) == sorted(
        (str(m.pk), str(event.pk)) for m in photos[:2]
    )
    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert EventImage.objects.count() == 2
