from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import empty


class QueryParamsSerializer(serializers.Serializer):
    """Validates query parameters as the OpenAPI schema states them.

    DRF reads a QueryDict like an HTML form: `?status=` counts as "not given" and a
    repeated key silently keeps one value. Here an empty value is checked like any
    other (so `?status=` is an invalid status) and a repeated key is a 400.
    """

    def __init__(self, instance=None, data=empty, **kwargs):
        self._repeated = []
        if isinstance(data, QueryDict):
            self._repeated = [k for k, v in data.lists() if len(v) > 1]
            data = {k: v[-1] for k, v in data.lists()}
        super().__init__(instance, data=data, **kwargs)

    def validate(self, attrs):
        repeated = [name for name in self._repeated if name in self.fields]
        if repeated:
            raise serializers.ValidationError(
                {name: [_("Give this parameter once.")] for name in repeated}
            )
        return attrs
