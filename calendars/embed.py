"""What other sites paste: the widget URL and its <iframe> snippet."""

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from calendars.selectors import widget_look
from events.models import Event

WIDGET_WIDTH = 360
# Row heights in px, as static/calendars/widget.css fixes them: every row is one
# line (ellipsis when it runs out of room) and the title two at most, so the widget
# is as tall at 280 px wide as at 360, in Spanish as in English.
PADDING = 14 + 12
TITLE = 44 + 6
LINE = 21  # the date, the place
PRICE = 6 + 26  # price and seats left
TICKET = 10 + 44  # "Get a ticket"
CALENDARS = 10 + 16 + 4 + 36  # "Add to your calendar" and its buttons
BRAND = 8 + 16
SLACK = 4  # fonts that round line boxes up
CALENDAR_KINDS = ("google", "outlook", "ics")
# No allow-scripts: the widget needs none. Popups open the event page and the
# calendars; allow-same-origin only lets the widget load its own stylesheet.
SANDBOX = (
    "allow-popups allow-popups-to-escape-sandbox allow-downloads allow-same-origin"
)


def widget_url(event: Event) -> str:
    path = reverse("calendars:widget", kwargs={"public_id": event.public_id})
    return settings.SITE_URL + path


def widget_height(buttons: Iterable[str]) -> int:
    """The <iframe> height that shows the whole widget with these buttons."""
    buttons = set(buttons)
    height = PADDING + TITLE + 2 * LINE + PRICE + BRAND + SLACK
    if "ticket" in buttons:
        height += TICKET
    if buttons & set(CALENDAR_KINDS):
        height += CALENDARS
    return height


def event_widget_height(event: Event) -> int:
    return widget_height(widget_look(event=event).buttons)


def iframe_html(event: Event) -> str:
    title = _("%(event)s — Spanglish event") % {"event": event.title}
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
        'style="border:0;max-width:100%" sandbox="{}"></iframe>',
        widget_url(event),
        title,
        WIDGET_WIDTH,
        event_widget_height(event),
        SANDBOX,
    )
