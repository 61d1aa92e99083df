from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """When something last proved it works: the task worker, the last good backup."""

    WORKER = "worker"
    BACKUP = "backup"

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    at = models.DateTimeField(_("at"))
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
