"""Mail backends for tests: a mail server that is down for the first N messages."""

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class FlakyEmailBackend(BaseEmailBackend):
    """Fails the first `failures` sends (class-wide), then delivers to mail.outbox."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise ConnectionRefusedError("mail server unreachable")
        mail.outbox.extend(messages)
        return len(messages)


class WatchingEmailBackend(BaseEmailBackend):
    """Delivers to mail.outbox; while each message is "on the wire" it notes the
    email log row as a second process would see it, and may hold the send until
    `release` is set (another worker then tries the same email meanwhile)."""

    seen: list = []
    started = None  # threading.Event set when a send begins, if given
    release = None  # threading.Event the send waits for, if given

    def send_messages(self, messages):
        from emails.models import EmailLog

        for message in messages:
            row = EmailLog.objects.filter(to_email=message.to[0]).values(
                "status", "lease_until", "leased_by"
            )
            type(self).seen.append(row.first())
        if type(self).started is not None:
            type(self).started.set()
        if type(self).release is not None:
            type(self).release.wait(timeout=30)
        mail.outbox.extend(messages)
        return len(messages)
