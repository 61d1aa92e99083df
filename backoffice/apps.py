from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The organizers' back office: the admin's dashboard and the reports. At the
    top of the layers (docs/architecture.md): it reads tickets, payments, passes
    and the door through their selectors; nothing imports it."""

    name = "backoffice"
    verbose_name = _("Back office")
