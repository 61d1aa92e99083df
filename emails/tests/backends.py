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
