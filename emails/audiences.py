"""Who a bulk message can be written to: a registry of audiences.

Emails delivers; it does not know events or tickets. The apps that do register an
audience from their `AppConfig.ready()`:

    register_audience("event_attendees", _("Ticket holders of one event"), fn)

where `fn(bulk) -> Iterable[Recipient]` (emails.recipients.Recipient, or any object
with `email`, `name`, `language` and `user`) yields who gets `bulk`; duplicates and
None are skipped by the caller. Emails registers its own "news_subscribers".

An audience that needs details (which event?) names them in `params`: a form field
factory per key of `bulk.audience_params`. The bulk email's admin form shows those
fields and stores what is chosen (a model instance as its primary key); `describe`
turns the stored details back into words for lists.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django import forms
from django.utils.functional import Promise

RecipientsFn = Callable[..., Iterable]


@dataclass(frozen=True)
class Audience:
    key: str
    label: str | Promise
    recipients: RecipientsFn
    params: dict[str, Callable[[], forms.Field]] = field(default_factory=dict)
    describe: Callable[[dict], str] | None = None


_audiences: dict[str, Audience] = {}


def register_audience(
    key: str,
    label: str | Promise,
    recipients: RecipientsFn,
    *,
    params: dict[str, Callable[[], forms.Field]] | None = None,
    describe: Callable[[dict], str] | None = None,
) -> None:
    """Make `key` an audience bulk messages can be sent to (from ready())."""
    _audiences[key] = Audience(
        key=key,
        label=label,
        recipients=recipients,
        params=dict(params or {}),
        describe=describe,
    )


def audience_get(key: str) -> Audience | None:
    return _audiences.get(key)


def audience_choices() -> list[tuple[str, str | Promise]]:
    """(key, label) of every registered audience, for forms and filters."""
    return [(a.key, a.label) for a in _audiences.values()]


def audience_params_fields() -> dict[str, tuple[str, forms.Field]]:
    """Form field name → (audience key, field) for every audience's details."""
    return {
        name: (audience.key, make())
        for audience in _audiences.values()
        for name, make in audience.params.items()
    }


def audience_describe(*, key: str, params: dict) -> str:
    audience = _audiences.get(key)
    if audience is None or audience.describe is None or not params:
        return ""
    return audience.describe(params)
