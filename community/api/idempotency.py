"""`Idempotency-Key` on the API's purchases: a retry never books or charges twice.

    class TicketBookView(GenericAPIView):
        @idempotent
        def post(self, request): ...

A client that sends `Idempotency-Key: <uuid>` and retries (a timeout, a dropped
connection) gets the first answer again, status and body, with
`Idempotent-Replayed: true`, for IDEMPOTENCY_KEY_HOURS. The same key with another
body (or another operation) is a 409 `idempotency_key_reused`; a copy arriving
while the first still runs is a 409 `idempotency_in_progress` with `Retry-After`.
Keys are per caller: the user, or for an anonymous caller the browser session
(guests pay through it) or else the client IP.

The claim is a row under a unique constraint (community.IdempotencyKey), written
and committed before the view runs: of two copies only one row goes in, so only
one runs. Only a successful (2xx) answer is kept; after an error the row goes and
the client may retry with the same key, as with Stripe's API. The row of a worker
that died mid-request is taken over once it is older than STALE_AFTER.

Runs after DRF's authentication, permissions and throttles (it wraps the handler):
a replay goes only to the caller that got the first answer.
"""

import functools
import hashlib
import json
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from community.models import IdempotencyKey
from spanglish.api.exceptions import Conflict
from spanglish.net import client_ip
from spanglish.ratelimit import client_rate_key

HEADER = "Idempotency-Key"
# Printable ASCII without spaces, as the schema's pattern says (UUIDs, ULIDs…).
VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
# Longer than any request may run (gunicorn's timeout is 30 s).
STALE_AFTER = timedelta(minutes=2)


class IdempotencyConflict(Conflict):
    pass


def _digest(text: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()


def _caller(request) -> str:
    user = request.user
    if user is not None and user.is_authenticated:
        return _digest(f"user:{user.pk}")
    session_key = getattr(request, "session", None) and request.session.session_key
    if session_key:
        return _digest(f"session:{session_key}")
    return _digest(f"ip:{client_rate_key(client_ip(request._request))}")


def _fingerprint(request) -> str:
    """The operation and its body, independent of key order and whitespace."""
    try:
        body = json.dumps(request.data, sort_keys=True, separators=(",", ":"))
    except TypeError:  # not JSON (an upload): the bytes as sent
        body = hashlib.sha256(request._request.body).hexdigest()
    path = request.path.rstrip("/")
    return hashlib.sha256(f"{request.method} {path}\n{body}".encode()).hexdigest()


def _claim(*, caller: str, key: str, fingerprint: str):
    """Insert this request's row, or find the one already there.

    Returns (row to fill in, None) when this request is to run, or (None, row)
    when it is a retry whose first answer is to be replayed."""
    for _attempt in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    caller=caller,
                    key=key,
                    fingerprint=fingerprint,
                    created_at=now,
                    expires_at=now + timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS),
                )
            return row, None
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(caller=caller, key=key).first()
        if row is None:
            continue  # released or purged in between: claim it afresh
        if row.expires_at <= now:
            IdempotencyKey.objects.filter(pk=row.pk, expires_at__lte=now).delete()
            continue
        if row.fingerprint != fingerprint:
            raise IdempotencyConflict(
                _(
                    "This Idempotency-Key was already used for another request. "
                    "Use a new key for each new request."
                ),
                code="idempotency_key_reused",
            )
        if row.status_code is not None:
            return None, row
        if row.created_at < now - STALE_AFTER:
            # Its worker died mid-request: whoever moves the start time runs it.
            taken = IdempotencyKey.objects.filter(
                pk=row.pk, status_code__isnull=True, created_at=row.created_at
            ).update(created_at=now)
            if taken:
                row.created_at = now
                return row, None
        break
    conflict = IdempotencyConflict(
        _(
            "A request with this Idempotency-Key is still being processed. Try "
            "again in a moment."
        ),
        code="idempotency_in_progress",
    )
    conflict.wait = 1  # the exception handler sends it as Retry-After
    raise conflict


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        row.body, status=row.status_code, content_type="application/json"
    )
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(handler):
    """Make a view's POST handler honour `Idempotency-Key` (see module docstring)."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not VALID_KEY.fullmatch(key):
            raise ValidationError(
                {
                    HEADER: [
                        _(
                            "Give 1 to 255 printable characters without spaces, "
                            "for example a UUID."
                        )
                    ]
                }
            )
        row, first = _claim(
            caller=_caller(request), key=key, fingerprint=_fingerprint(request)
        )
        if first is not None:
            return _replay(first)
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            row.delete()
            raise
        if 200 <= response.status_code < 300:
            body = JSONRenderer().render(response.data).decode()
            IdempotencyKey.objects.filter(pk=row.pk).update(
                status_code=response.status_code, body=body
            )
        else:
            row.delete()
        return response

    return wrapper


def idempotency_keys_purge() -> int:
    """Delete the rows past their IDEMPOTENCY_KEY_HOURS; returns how many."""
    deleted, _by_model = IdempotencyKey.objects.filter(
        expires_at__lte=timezone.now()
    ).delete()
    return deleted
