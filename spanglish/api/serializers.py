from collections.abc import Mapping

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import empty

from spanglish.api.exceptions import NON_FIELD_KEY


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


class StrictInputMixin:
    """Request bodies: a field that is neither one the request may set nor one the
    resource shows is refused with a 400 that names it, instead of being dropped
    (a client sending `location` for `venue_name` would get a 201 without it).

    `echo_of` is the serializer of the resource's answer: what a GET shows may be
    sent back unchanged (`id`, `url`, `seats_left`…) and is accepted and ignored, so
    GET → edit → PUT works. The OpenAPI request schema says both
    (`additionalProperties: false`, the echoed names as read-only properties; see
    spanglish.api.schema).
    """

    echo_of: type[serializers.BaseSerializer] | None = None

    @classmethod
    def echoed_fields(cls) -> frozenset[str]:
        cached = cls.__dict__.get("_echoed")
        if cached is None:
            cached = frozenset(cls.echo_of().fields) if cls.echo_of else frozenset()
            cls._echoed = cached
        return cached

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            known = set(self.fields) | self.echoed_fields()
            unknown = sorted(str(name) for name in data if name not in known)
            if unknown:
                raise serializers.ValidationError(unknown_fields_detail(unknown))
        return super().to_internal_value(data)


def unknown_fields_detail(names: list[str]) -> dict:
    """The error for fields a request may not carry: one message naming them all,
    and each under its own name in `fields`."""
    listed = ", ".join(names)
    message = (
        _("Unknown field: %(names)s.") % {"names": listed}
        if len(names) == 1
        else _("Unknown fields: %(names)s.") % {"names": listed}
    )
    return {
        NON_FIELD_KEY: [message],
        **{name: [_("Not a field of this request.")] for name in names},
    }


class InputSerializer(StrictInputMixin, serializers.Serializer):
    """A request body that refuses unknown fields (see StrictInputMixin)."""
