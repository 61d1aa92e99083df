"""Log redaction: passwords, tokens, card numbers, cookies and auth headers never
reach a log line or Sentry, whatever a developer passes to a logger.

Attached as a handler filter (handler filters see records propagated from every
logger; logger filters would not).
"""

import logging
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

REDACTED = "[REDACTED]"

SENSITIVE_KEY = re.compile(
    r"pass(word|wd|phrase)?|secret|token|authori[sz]ation|cookie|session|csrf|"
    r"card|cvc|cvv|\bpan\b|iban|api[_-]?key|signature|identity",
    re.IGNORECASE,
)
_AUTH = re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}")
_PAIR = re.compile(
    r"""(?ix)
    (["']?(?:password|passwd|passphrase|secret|token|access|refresh|api_key|
        card_number|cvc|cvv|sessionid|csrftoken)["']?\s*[:=]\s*)
    (["']?)[^"'&\s,}]+
    """
)
_DIGITS = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


# URL kwargs that carry a credential: sign-in, verification and email-change tokens,
# the reset link's uidb64 and token, signed ticket, waiting-list, "can't come",
# unsubscribe and calendar-feed links. Matched by name, so a new route whose kwarg is
# called `token` is covered without a list of paths to keep up to date.
SENSITIVE_URL_KWARG = re.compile(
    r"token|^uidb?64$|secret|signature|signed|^key$|_key$", re.IGNORECASE
)
# Query parameters whose names say they carry a secret.
SENSITIVE_QUERY_KEY = re.compile(
    SENSITIVE_KEY.pattern + r"|^(uid|uidb64|key|code|sig|t)$", re.IGNORECASE
)
# A path segment or query value that no route names but that looks like a token:
# a run of 16+ letters and digits (UUIDs and slugs break theirs with hyphens).
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_]{16,}")
# What a URL or path looks like inside free text (log messages, exception reprs).
_URL_IN_TEXT = re.compile(r"""(?:\bhttps?://[^\s"'<>/]*|(?<![\w.:/])(?=/))[^\s"'<>]*""")


def _looks_like_token(value: str) -> bool:
    return any(
        any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
        for run in _TOKEN_RUN.findall(value)
    ) or (":" in value and len(value) >= 16)


def _redact_token_segments(path: str) -> str:
    return "/".join(
        REDACTED if _looks_like_token(segment) else segment
        for segment in path.split("/")
    )


def redact_query(query: str) -> str:
    """A query string with the values of secret-looking parameters replaced."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [
            (
                key,
                REDACTED
                if SENSITIVE_QUERY_KEY.search(key) or _looks_like_token(value)
                else value,
            )
            for key, value in pairs
        ],
        safe="[]",
    )


def _resolve(path: str):
    """The route of a site path whatever language is active, or None. Also tries the
    forms Django redirects to (trailing slash, language prefix): a mistyped link is
    logged before the redirect."""
    languages = [code for code, _name in settings.LANGUAGES]
    first = path.lstrip("/").split("/", 1)[0]
    candidates = [path]
    if not path.endswith("/"):
        candidates.append(path + "/")
    if first not in languages:
        candidates += [f"/{code}{c}" for code in languages for c in list(candidates)]
    for candidate in candidates:
        code = candidate.lstrip("/").split("/", 1)[0]
        with translation.override(code if code in languages else None):
            try:
                return resolve(candidate)
            except Resolver404:
                continue
    return None


def redact_path(path: str, match=None) -> str:
    """`path` with every credential in it replaced: the kwargs of its route whose
    names say they are secret (token, uidb64…) and, on paths no route knows,
    anything that looks like a token. One function for the access log, log
    messages, Sentry events and breadcrumbs."""
    if not path:
        return path
    try:
        match = match or _resolve(path)
    except Exception:  # redaction must never break logging
        match = None
    if match is None:
        return _redact_token_segments(path)
    for name, value in match.kwargs.items():
        value = str(value)
        if value and SENSITIVE_URL_KWARG.search(name):
            path = path.replace(value, REDACTED)
    return path


def redact_url(url: str) -> str:
    """A URL (absolute or a path, with or without its query) with credentials out."""
    if not isinstance(url, str) or not url:
        return url
    parts = urlsplit(url)
    return urlunsplit(
        parts._replace(
            path=redact_path(parts.path),
            query=redact_query(parts.query),
            fragment="",
        )
    )


def _redact_urls_in_text(text: str) -> str:
    # Free text gets the token test only (no URL resolving on every log line): the
    # routes' own tokens are all long enough to be caught by it.
    def scrub(match: re.Match) -> str:
        parts = urlsplit(match.group(0))
        return urlunsplit(
            parts._replace(
                path=_redact_token_segments(parts.path),
                query=redact_query(parts.query),
            )
        )

    return _URL_IN_TEXT.sub(scrub, text)


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def redact_text(text: str) -> str:
    text = _AUTH.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _redact_urls_in_text(text)
    return _DIGITS.sub(lambda m: REDACTED if _luhn(m.group(0)) else m.group(0), text)


def redact(value: Any, key: str = "") -> Any:
    if key and SENSITIVE_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact(v) for v in value)
    return value


def _describe_request(request) -> str:
    # Never the query string, headers, cookies or body: just what was asked for,
    # without the credential a sign-in or reset link carries in its path.
    path = getattr(request, "path", "?")
    match = getattr(request, "resolver_match", None)
    return f"{getattr(request, 'method', '?')} {redact_path(path, match)}"


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact_text(message), None
        for key in list(vars(record)):
            if key in _STANDARD or key == "request_id":
                continue
            value = getattr(record, key)
            if key == "request" and not isinstance(value, str):
                record.request = _describe_request(value)
            else:
                setattr(record, key, redact(value, key))
        return True


def sentry_before_breadcrumb(crumb: dict, hint: dict) -> dict:
    """Breadcrumbs (log lines, HTTP calls, queries) without credentials in their
    messages or URLs."""
    if isinstance(crumb.get("message"), str):
        crumb["message"] = redact_text(crumb["message"])
    data = crumb.get("data")
    if isinstance(data, dict):
        for key in ("url", "to", "from", "path"):
            if isinstance(data.get(key), str):
                data[key] = redact_url(data[key])
        crumb["data"] = redact(data)
    return crumb


def _scrub_frames(event: dict) -> None:
    # Local variables of the failing frames, as reprs: a request repr holds its path.
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            if "vars" in frame:
                frame["vars"] = redact(frame["vars"])


def sentry_before_send(event: dict, hint: dict) -> dict:
    """Scrub what Sentry's own scrubbing might miss (bodies, messages, extras, the
    request URL, breadcrumbs, frame variables)."""
    request = event.get("request") or {}
    if isinstance(request.get("url"), str):
        request["url"] = redact_url(request["url"])
    if isinstance(request.get("query_string"), str):
        request["query_string"] = redact_query(request["query_string"])
    for field in ("data", "cookies", "headers", "query_string", "env"):
        if field in request:
            request[field] = redact(
                request[field], "" if field != "cookies" else "cookie"
            )
    for field in ("extra", "contexts"):
        if field in event:
            event[field] = redact(event[field])
    if "logentry" in event:
        event["logentry"] = redact(event["logentry"])
    if isinstance(event.get("message"), str):
        event["message"] = redact_text(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in values or []:
        if isinstance(crumb, dict):
            sentry_before_breadcrumb(crumb, {})
    _scrub_frames(event)
    return event
