"""Reports as files, for organizers and admins: the same reports, rules and
audit entry as the admin's report page (backoffice/views.py)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer

from backoffice.api.serializers import PeriodQuerySerializer, SalesQuerySerializer
from backoffice.reports import MembersReport, PassesReport, SalesReport
from backoffice.services import report_export
from spanglish.api.permissions import IsOrganizer
from spanglish.spreadsheets import XLSX_TYPE
from tickets.api.views import CSVRenderer, XLSXRenderer

FILE_NOTE = (
    " Streamed; CSV is UTF-8 with a byte-order mark, XLSX one sheet; amounts are "
    "exact decimals with the currency on every line; cells a spreadsheet would run "
    "as formulas are prefixed with an apostrophe. Every download is audited."
)


def _responses(fmt: str) -> dict:
    media = "text/csv" if fmt == "csv" else XLSX_TYPE
    return {(200, media): OpenApiResponse(OpenApiTypes.BINARY)}


class ReportView(GenericAPIView):
    permission_classes = [IsOrganizer]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    fmt = "csv"

    def export(self, report):
        return report_export(report=report, fmt=self.fmt, actor=self.request.user)


class SalesReportView(ReportView):
    def get(self, request):
        query = SalesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return self.export(
            SalesReport(
                event=data.get("event"), period=data["period"], detail=data["detail"]
            )
        )


class PassesReportView(ReportView):
    def get(self, request):
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return self.export(PassesReport(period=query.validated_data["period"]))


class MembersReportView(ReportView):
    def get(self, request):
        return self.export(MembersReport())


SALES = (
    "Organizers and admins. Money received and refunded: each payment on the day it "
    "was made, each refund on the day it was made (not the payment's); gross, "
    "refunds, net and fees (when the provider reports them: MercadoPago yes, "
    "Stripe blank, cash 0) by provider, item and currency, with the door's closed "
    "cash-ups (expected, counted, difference). Filter by `event`, by period, or both."
)
PASSES = (
    "Organizers and admins. Every pass paid in the period or with a session in it "
    "that counts: holder, status, dates, sessions used to date and in the period, "
    "price, how it was paid, refunded."
)
MEMBERS = (
    "Organizers and admins. The members who opted in to news by email (consent "
    "given, address verified), with the date of their consent; nobody else."
)


def _view(base, fmt: str, summary: str, description: str, parameters):
    schema = extend_schema(
        tags=["reports"],
        summary=f"{summary} ({fmt.upper()})",
        description=description + FILE_NOTE,
        parameters=parameters,
        responses=_responses(fmt),
    )

    # A method of its own per class: the schema annotation is set on the function.
    def get(self, request):
        return base.get(self, request)

    return type(
        f"{base.__name__}{fmt.upper()}", (base,), {"fmt": fmt, "get": schema(get)}
    )


SalesCSV = _view(SalesReportView, "csv", "Sales report", SALES, [SalesQuerySerializer])
SalesXLSX = _view(
    SalesReportView, "xlsx", "Sales report", SALES, [SalesQuerySerializer]
)
PassesCSV = _view(
    PassesReportView, "csv", "Pass report", PASSES, [PeriodQuerySerializer]
)
PassesXLSX = _view(
    PassesReportView, "xlsx", "Pass report", PASSES, [PeriodQuerySerializer]
)
MembersCSV = _view(MembersReportView, "csv", "Opted-in members", MEMBERS, None)
MembersXLSX = _view(MembersReportView, "xlsx", "Opted-in members", MEMBERS, None)
