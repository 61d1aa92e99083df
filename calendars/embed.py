"""What other sites paste: the widget URL and its <iframe> snippet."""

import math

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from calendars.selectors import widget_look
from events.models import Event

WIDGET_WIDTH = 360
BASE_HEIGHT = 190
ROW_HEIGHT = 52
# No allow-scripts: the widget needs none. Popups open the event page and the
# calendars; allow-same-origin only lets the widget load its own stylesheet.
SANDBOX = (
    "allow-popups allow-popups-to-escape-sandbox allow-downloads allow-same-origin"
)


def widget_url(event: Event) -> str:
    path = reverse("calendars:widget", kwargs={"public_id": event.public_id})
    return settings.SITE_URL + path


def widget_height(n_buttons: int) -> int:
    return BASE_HEIGHT + ROW_HEIGHT * math.ceil(n_buttons / 2)


def iframe_html(event: Event) -> str:
    look = widget_look(event=event)
    title = _("%(event)s — Spanglish event") % {"event": event.title}
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
        'style="border:0;max-width:100%" sandbox="{}"></iframe>',
        widget_url(event),
        title,
        WIDGET_WIDTH,
        widget_height(len(look.buttons)),
        SANDBOX,
    )
