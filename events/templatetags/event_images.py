from django import template

from events.selectors import event_gallery

register = template.Library()


@register.simple_tag
def gallery_photos(event) -> list:
    """`{% gallery_photos event as photos %}`: one query, evaluated once."""
    return list(event_gallery(event=event))
