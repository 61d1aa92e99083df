from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from backoffice.period import period_resolve
from backoffice.reports.sales import PAYMENTS, SUMMARY
from events.models import Event
from spanglish.api.serializers import QueryParamsSerializer


def _period(attrs: dict, *, required: bool):
    start, end = attrs.get("start"), attrs.get("end")
    if not required and start is None and end is None:
        return None
    try:
        return period_resolve(start=start, end=end)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc


class PeriodQuerySerializer(QueryParamsSerializer):
    start = serializers.DateField(
        required=False,
        help_text="First day (YYYY-MM-DD, local time). Default: the first day of "
        "the end's month.",
    )
    end = serializers.DateField(
        required=False,
        help_text="Last day, included (YYYY-MM-DD). Default: today. At most 366 "
        "days after `start`.",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["period"] = _period(attrs, required=self.period_required(attrs))
        return attrs

    def period_required(self, attrs) -> bool:
        return True


class SalesQuerySerializer(PeriodQuerySerializer):
    event = serializers.UUIDField(
        required=False,
        help_text="One event's payments (those taken for it, passes sold at its "
        "door included). With no `start` or `end`: all its dates.",
    )
    detail = serializers.ChoiceField(
        choices=[SUMMARY, PAYMENTS],
        required=False,
        default=SUMMARY,
        help_text="`summary`: a line per day, event, item, provider and currency, "
        "the door's cash-ups, and totals per provider and per currency. "
        "`payments`: a line per payment and per refund.",
    )

    def validate_event(self, value):
        event = Event.objects.filter(pk=value).first()
        if event is None:
            raise serializers.ValidationError(_("No such event."))
        return event

    def period_required(self, attrs) -> bool:
        # One event's sales cover all its dates unless a period is given too.
        return attrs.get("event") is None
