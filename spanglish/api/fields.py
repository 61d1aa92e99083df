import datetime

from django.db import models
from rest_framework import serializers


class StrictBooleanField(serializers.BooleanField):
    """JSON `true`/`false` only. DRF's own field also takes 1, "yes", "on" and the
    like (form habits); the API speaks JSON and its schema says boolean."""

    def to_internal_value(self, data):
        if type(data) is bool:
            return data
        self.fail("invalid", input=data)


class DateTimeField(serializers.DateTimeField):
    """Always RFC 3339. Before 1901 the site's zone has a local-mean-time offset with
    seconds (Madrid: -00:14:44), which RFC 3339 cannot write: those answer in UTC."""

    def to_representation(self, value):
        if value and not isinstance(value, str):
            offset = self.enforce_timezone(value).utcoffset()
            if offset is not None and offset.seconds % 60:
                value = value.astimezone(datetime.UTC)
                return value.replace(tzinfo=None).isoformat() + "Z"
        return super().to_representation(value)


# For ModelSerializer.serializer_field_mapping: model booleans become strict and
# timestamps always RFC 3339.
STRICT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.BooleanField: StrictBooleanField,
    models.DateTimeField: DateTimeField,
}
