"""Signed tokens that name one object by its id, for links sent by email.

django.core.signing makes them unforgeable; `max_age` (seconds) gives them an age
limit. Each kind of link has its own salt, so a token of one kind opens nothing else.
"""

from django.core import signing


def id_token(pk, *, salt: str) -> str:
    return signing.dumps(str(pk), salt=salt, compress=True)


def id_from_token(token: str, *, salt: str, max_age: int | None = None) -> str | None:
    """The id a valid token names, or None (forged, other kind, or expired)."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
