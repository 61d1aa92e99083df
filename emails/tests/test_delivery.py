"""Delivery through Anymail's real Resend backend, against a local server that
answers like Resend's API: proves the MAILERS wiring, headers and attachments."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from community.tests.factories import UserFactory
from emails.bulk import bulk_email_send
from emails.models import BulkAudience, BulkEmail, EmailLog, EmailStatus
from tickets.notifications import notify_ticket_confirmed
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resend(settings):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers["Content-Length"])
            received.append(
                {
                    "path": self.path,
                    "auth": self.headers["Authorization"],
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            answer = json.dumps({"id": f"msg-{len(received)}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.resend.EmailBackend"}}
    settings.ANYMAIL = {
        "RESEND_API_KEY": "re_test_key",
        "RESEND_API_URL": f"http://127.0.0.1:{server.server_port}/",
    }
    yield received
    server.shutdown()


def test_confirmation_goes_through_resend_with_attachments(commit, resend):
    ticket = TicketFactory()
    with commit():
        notify_ticket_confirmed(ticket)
    [call] = resend
    assert call["path"] == "/emails"
    assert call["auth"] == "Bearer re_test_key"
    assert call["body"]["to"] == [ticket.user.email]
    assert call["body"]["html"] and call["body"]["text"]
    files = {a["filename"]: a for a in call["body"]["attachments"]}
    assert files["ticket-qr.png"]["content_id"].startswith("qr-")
    assert files["event.ics"]["content_type"].startswith("text/calendar")
    assert EmailLog.objects.get().status == EmailStatus.SENT


def test_bulk_email_reaches_resend_with_unsubscribe_headers(commit, resend, organizer):
    UserFactory(marketing_consent=True, email_verified_at=timezone.now())
    bulk = BulkEmail.objects.create(
        audience=BulkAudience.NEWS_SUBSCRIBERS, subject_en="News", body_en="Hello"
    )
    with commit():
        bulk_email_send(bulk=bulk, actor=organizer)
    [call] = resend
    headers = call["body"]["headers"]
    assert headers["List-Unsubscribe"].startswith("<http")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_provider_outage_is_recorded_and_retried(commit, settings, resend):
    settings.ANYMAIL = {**settings.ANYMAIL, "RESEND_API_URL": "http://127.0.0.1:1/"}
    ticket = TicketFactory()
    with commit():
        notify_ticket_confirmed(ticket)
    log = EmailLog.objects.get()
    assert log.status == EmailStatus.FAILED
    assert log.attempts == settings.EMAIL_MAX_ATTEMPTS
    assert "Anymail" in log.error or "Connection" in log.error
