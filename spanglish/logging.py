"""Log redaction: passwords, tokens, card numbers, cookies and auth headers never
reach a log line or Sentry, whatever a developer passes to a logger.

Attached as a handler filter (handler filters see records propagated from every
logger; logger filters would not).
"""

import logging
import re
from typing import Any

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
    # Never the query string, headers, cookies or body: just what was asked for.
    return f"{getattr(request, 'method', '?')} {getattr(request, 'path', '?')}"


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


def sentry_before_send(event: dict, hint: dict) -> dict:
    """Scrub what Sentry's own scrubbing might miss (bodies, messages, extras)."""
    request = event.get("request") or {}
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
    return event
