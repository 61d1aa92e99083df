"""The report forms of the admin's report page. The period rules are
backoffice.period's, shared with the API."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from backoffice.period import period_resolve
from backoffice.reports import MembersReport, PassesReport, SalesReport
from backoffice.reports.sales import PAYMENTS, SUMMARY
from events.models import Event

# The event picker lists the latest events; any event's id is still accepted.
EVENT_CHOICES_LIMIT = 200


class DateInput(forms.DateInput):
    input_type = "date"  # the browser's own date picker, on phones too

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _format_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("File"),
        choices=[("csv", _("CSV")), ("xlsx", _("Excel (XLSX)"))],
        initial="csv",
    )


class ReportForm(forms.Form):
    """Subclasses name their fields and build their report from cleaned data."""

    key = ""

    def __init__(self, *args, **kwargs):
        # Three forms share the report page: ids of their own.
        kwargs.setdefault("auto_id", f"id_{self.key}_%s")
        super().__init__(*args, **kwargs)

    def report(self):
        raise NotImplementedError

    def _period(self, data, *, required: bool):
        start, end = data.get("start"), data.get("end")
        if not required and start is None and end is None:
            return None
        try:
            return period_resolve(start=start, end=end)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
            return None


class PeriodReportForm(ReportForm):
    """A report over a period; the admin first offers this month so far."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To (included)"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("start", today.replace(day=1))
            self.initial.setdefault("end", today)


class SalesReportForm(PeriodReportForm):
    key = "sales"
    field_order = ["event", "start", "end", "detail", "format"]
    event = forms.ModelChoiceField(
        label=_("Event"),
        queryset=Event.objects.all(),
        required=False,
        empty_label=_("All events"),
        help_text=_("Leave empty for every event in the period."),
    )
    detail = forms.ChoiceField(
        label=_("Lines"),
        choices=[
            (SUMMARY, _("Totals per day, provider and currency")),
            (PAYMENTS, _("Every payment and refund")),
        ],
        initial=SUMMARY,
        required=False,
    )
    format = _format_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = Event.objects.order_by("-starts_at")[:EVENT_CHOICES_LIMIT]
        # Choices of the widget only: the field still accepts any event.
        self.fields["event"].widget.choices = [
            ("", self.fields["event"].empty_label),
            *(
                (
                    event.pk,
                    f"{formats.date_format(timezone.localtime(event.starts_at), 'SHORT_DATE_FORMAT')} · {event.title}",
                )
                for event in latest
            ),
        ]

    def clean(self):
        data = super().clean()
        # One event's sales cover all its dates unless a period is given too.
        data["period"] = self._period(data, required=data.get("event") is None)
        return data

    def report(self) -> SalesReport:
        data = self.cleaned_data
        return SalesReport(
            event=data.get("event"),
            period=data["period"],
            detail=data.get("detail") or SUMMARY,
        )


class PassesReportForm(PeriodReportForm):
    key = "passes"
    format = _format_field()

    def clean(self):
        data = super().clean()
        data["period"] = self._period(data, required=True)
        return data

    def report(self) -> PassesReport:
        return PassesReport(period=self.cleaned_data["period"])


class MembersReportForm(ReportForm):
    key = "members"
    format = _format_field()

    def report(self) -> MembersReport:
        return MembersReport()


FORMS = {
    form.key: form for form in (SalesReportForm, MembersReportForm, PassesReportForm)
}
