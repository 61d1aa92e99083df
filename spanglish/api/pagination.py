import re

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

_WHOLE_NUMBER = re.compile(r"[0-9]+")


class PageNumberPagination(pagination.PageNumberPagination):
    """`count`, `next`, `previous`, `results`; `?page=` and `?page_size=` (max 100).

    Both parameters are checked strictly, as the schema states them: a value that is
    not one whole number in range is a 400 rather than silently ignored (DRF's default),
    so a client never mistakes a typo for the page it asked for.
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    def _query_int(self, request, name: str, maximum: int | None = None) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        value = values[0]
        if (
            len(values) == 1
            and _WHOLE_NUMBER.fullmatch(value)
            and 1 <= int(value) <= (maximum or int(value))
        ):
            return int(value)
        if maximum:
            message = _("Give one whole number from 1 to %(maximum)s.") % {
                "maximum": maximum
            }
        else:
            message = _("Give one whole number from 1 up.")
        raise ValidationError({name: [message]})

    def get_page_size(self, request):
        size = self._query_int(
            request, self.page_size_query_param, maximum=self.max_page_size
        )
        return size or self.page_size

    def get_page_number(self, request, paginator):
        return self._query_int(request, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
