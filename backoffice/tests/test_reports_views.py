"""The report page in admin and the API's report files: who may, what comes out,
and clear 4xx answers for bad input."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from backoffice.tests.helpers import at, online_paid, refund
from community.models import AuditLog
from community.tests.factories import UserFactory
from events.tests.factories import EventFactory
from passes.models import PassUse
from passes.tests.factories import PassFactory, PassProductFactory
from tickets.models import PaymentMethod
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
D = Decimal
PAGE = "/admin/backoffice/reports/"


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _xlsx(response) -> list[list]:
    assert isinstance(response, StreamingHttpResponse)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- Admin pages ----------------------------------------------------------------------


def test_organizer_sees_the_report_page_with_sensible_defaults(client, organizer):
    event = EventFactory(title_en="Salsa night")
    client.force_login(organizer)
    response = client.get(PAGE, {"event": event.pk})
    assert response.status_code == 200
    html = response.content.decode()
    today = timezone.localdate()
    assert f'value="{today.replace(day=1):%Y-%m-%d}"' in html
    assert f'value="{today:%Y-%m-%d}"' in html
    assert f'<option value="{event.pk}" selected>' in html
    for title in (
        "Sales and payments",
        "Passes sold and used",
        "Members who want news",
    ):
        assert title in html


def test_sales_report_downloads_as_csv_and_is_audited(client, organizer):
    event = EventFactory(price=D("15.00"), slug="salsa")
    paid = online_paid(event, "15.00", when=at(2026, 5, 3))
    online_paid(event, "15.00", when=at(2026, 5, 4))
    refund(paid, "15.00", actor=organizer, when=at(2026, 5, 6))
    client.force_login(organizer)

    response = client.get(
        f"{PAGE}sales/",
        {
            "event": event.pk,
            "start": "2026-05-01",
            "end": "2026-05-31",
            "format": "csv",
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="sales-salsa-2026-05-01-2026-05-31.csv"'
    )
    rows = _csv(response)
    assert rows[0][:3] == ["Line", "Date", "Event"]
    total = next(r for r in rows if r[0] == "Total" and r[4] == "All providers")
    assert total[7:10] == ["30.00", "15.00", "15.00"]  # gross, refunds, net
    entry = AuditLog.objects.get(action="backoffice.report_exported")
    assert entry.actor == organizer
    assert entry.target_id == str(event.pk)
    assert entry.changes == {
        "report": "sales",
        "format": "csv",
        "detail": "summary",
        "event": str(event.pk),
        "start": "2026-05-01",
        "end": "2026-05-31",
    }


def test_sales_report_as_xlsx_keeps_numbers_and_dates_typed(client, organizer):
    event = EventFactory(price=D("7.50"))
    online_paid(event, "7.50", when=at(2026, 5, 3))
    client.force_login(organizer)
    response = client.get(f"{PAGE}sales/", {"event": event.pk, "format": "xlsx"})
    assert response.status_code == 200
    rows = _xlsx(response)
    sales = next(r for r in rows if r[0] == "Sales")
    assert sales[1].date() == date(2026, 5, 3)
    assert sales[7] == 7.5 and sales[9] == 7.5


@pytest.mark.parametrize(
    ("params", "english", "spanish"),
    [
        (
            {"start": "2026-05-10", "end": "2026-05-01"},
            "The end date is before the start date.",
            "La fecha final es anterior a la inicial.",
        ),
        (
            {"start": "2020-01-01", "end": "2026-01-01"},
            "A report covers at most 366 days",
            "Un informe abarca como mucho 366 días",
        ),
        # Django's own messages, in whatever Spanish the catalogs give them.
        ({"start": "yesterday"}, "Enter a valid date.", None),
        (
            {"event": "not-an-event"},
            "Select a valid choice. That choice is not one of the available choices.",
            None,
        ),
        (
            {"format": "pdf"},
            "Select a valid choice. %(value)s is not one of the available choices.",
            None,
        ),
    ],
)
def test_bad_report_requests_are_a_400_in_both_languages(
    client, organizer, params, english, spanish
):
    client.force_login(organizer)
    if spanish is None:
        with translation.override("es"):
            spanish = gettext(english)
        assert spanish != english
    english, spanish = (m.replace("%(value)s", "pdf") for m in (english, spanish))
    for language, expected in (("en", english), ("es", spanish)):
        response = client.get(
            f"{PAGE}sales/", {"format": "csv", **params}, HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        assert expected in response.content.decode()
    assert not AuditLog.objects.filter(action="backoffice.report_exported").exists()


def test_an_unknown_report_is_a_404(client, organizer):
    client.force_login(organizer)
    assert client.get(f"{PAGE}secrets/").status_code == 404


def test_plain_staff_are_refused_the_reports(client):
    staff = UserFactory(role="member")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}members/", {"format": "csv"}).status_code == 403


@pytest.mark.parametrize("role", ["member", "volunteer", None])
def test_others_are_sent_to_sign_in(client, role):
    if role:
        client.force_login(UserFactory(role=role))
    for url in (PAGE, f"{PAGE}members/?format=csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_members_report_lists_only_opted_in_verified_members(client, organizer):
    now = timezone.now()
    yes = UserFactory(
        name="Ana", email="ana@x.org", marketing_consent=True, marketing_consent_at=now
    )
    UserFactory(email="no@x.org", marketing_consent=False)
    UserFactory(
        email="unverified@x.org", marketing_consent=True, email_verified_at=None
    )
    UserFactory(email="gone@x.org", marketing_consent=True, is_active=False)
    client.force_login(organizer)

    rows = _csv(client.get(f"{PAGE}members/", {"format": "csv"}))

    assert rows[0] == [
        "Name",
        "Email",
        "Preferred language",
        "News consent given at",
        "Email verified at",
        "Member since",
    ]
    assert [r[1] for r in rows[1:]] == [yes.email]
    assert rows[1][3] == timezone.localtime(now).strftime("%Y-%m-%d %H:%M")


def test_exports_neutralise_formulas(client, organizer):
    UserFactory(
        name='=HYPERLINK("http://evil","x")',
        email="evil@x.org",
        marketing_consent=True,
    )
    event = EventFactory(title_en="@SUM(A1:A9)", price=D("5.00"))
    online_paid(event, "5.00")
    client.force_login(organizer)

    members = _csv(client.get(f"{PAGE}members/", {"format": "csv"}))
    assert members[1][0] == '\'=HYPERLINK("http://evil","x")'
    members_xlsx = _xlsx(client.get(f"{PAGE}members/", {"format": "xlsx"}))
    assert members_xlsx[1][0] == '\'=HYPERLINK("http://evil","x")'

    sales = _csv(client.get(f"{PAGE}sales/", {"event": event.pk, "format": "csv"}))
    assert next(r for r in sales if r[0] == "Sales")[2] == "'@SUM(A1:A9)"
    # Negative amounts are numbers, not text to neutralise.
    assert all(not cell.startswith("'-") for row in sales for cell in row)


def test_passes_report_counts_sales_and_uses_in_the_period(client, organizer):
    product = PassProductFactory(name_en="5 sessions", sessions=5, price=D("40.00"))
    bought = PassFactory(product=product, activated_at=at(2026, 5, 2))
    older = PassFactory(product=product, activated_at=at(2026, 3, 2))
    PassFactory(product=product, activated_at=at(2026, 1, 2))  # neither sold nor used
    for holder, when in (
        (bought, at(2026, 5, 9)),
        (older, at(2026, 5, 10)),
        (older, at(2026, 4, 1)),
    ):
        event = EventFactory(starts_at=when, ends_at=when + timedelta(hours=2))
        ticket = TicketFactory(
            event=event, user=holder.user, payment_method=PaymentMethod.PASS
        )
        PassUse.objects.create(pass_purchase=holder, ticket=ticket, event=event)
    client.force_login(organizer)

    rows = _csv(
        client.get(
            f"{PAGE}passes/",
            {"start": "2026-05-01", "end": "2026-05-31", "format": "csv"},
        )
    )

    header = rows[0]
    found = {r[header.index("Email")]: r for r in rows[1:]}
    assert set(found) == {bought.user.email, older.user.email}
    used = (
        header.index("Used to date"),
        header.index("Used in the period"),
        header.index("Sessions left"),
    )
    assert [found[bought.user.email][i] for i in used] == ["1", "1", "4"]
    assert [found[older.user.email][i] for i in used] == ["2", "1", "3"]


# --- API ------------------------------------------------------------------------------

API = [
    "/api/reports/sales.csv",
    "/api/reports/sales.xlsx",
    "/api/reports/passes.csv",
    "/api/reports/passes.xlsx",
    "/api/reports/members.csv",
    "/api/reports/members.xlsx",
]


@pytest.mark.parametrize("url", API)
def test_api_reports_are_for_organizers_and_admins(
    url, api_client, auth_client, organizer, admin_user
):
    assert api_client.get(url).status_code == 401
    for role in ("member", "volunteer"):
        response = auth_client(UserFactory(role=role)).get(url)
        assert response.status_code == 403
        assert response["Content-Type"] == "application/json"
    for user in (organizer, admin_user):
        response = auth_client(user).get(url)
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
    assert AuditLog.objects.filter(action="backoffice.report_exported").count() == 2


def test_api_sales_report_totals(auth_client, organizer):
    event = EventFactory(price=D("12.00"), currency="EUR")
    paid = online_paid(event, "12.00", when=at(2026, 5, 3))
    online_paid(event, "12.00", when=at(2026, 5, 3))
    refund(paid, "2.00", actor=organizer, when=at(2026, 6, 1))
    response = auth_client(organizer).get(
        "/api/reports/sales.csv", {"start": "2026-05-01", "end": "2026-06-30"}
    )
    rows = _csv(response)
    total = next(r for r in rows if r[0] == "Total" and r[4] == "All providers")
    assert total[5:10] == ["EUR", "2", "24.00", "2.00", "22.00"]


@pytest.mark.parametrize(
    ("query", "field", "spanish"),
    [
        (
            "start=2026-05-10&end=2026-05-01",
            "end",
            "La fecha final es anterior a la inicial.",
        ),
        (
            "start=2024-01-01&end=2026-01-01",
            "end",
            "Un informe abarca como mucho 366 días",
        ),
        # DRF's messages, in whatever Spanish the catalogs give them.
        ("start=31-12-2025", "start", ""),
        (
            "event=6f1d7e8a-0000-4000-8000-000000000000",
            "event",
            "No existe ese evento.",
        ),
        ("event=nope", "event", ""),
        ("start=2026-01-01&start=2026-02-01", "start", None),
        ("detail=everything", "detail", None),
    ],
)
def test_api_bad_input_is_a_400_with_the_field(
    auth_client, organizer, query, field, spanish
):
    client = auth_client(organizer)
    response = client.get(f"/api/reports/sales.csv?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["error"]["fields"]
    english = response.json()["error"]["fields"][field][0]
    if spanish is not None:
        response = client.get(
            f"/api/reports/sales.csv?{query}", HTTP_ACCEPT_LANGUAGE="es"
        )
        message = response.json()["error"]["fields"][field][0]
        assert message != english
        assert message.startswith(spanish)
    assert not AuditLog.objects.filter(action="backoffice.report_exported").exists()


def test_api_passes_report_refuses_a_huge_period(auth_client, organizer):
    response = auth_client(organizer).get(
        "/api/reports/passes.xlsx", {"start": "2001-01-01", "end": "2030-01-01"}
    )
    assert response.status_code == 400
    assert "end" in response.json()["error"]["fields"]
