from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassesConfig(AppConfig):
    name = "passes"
    verbose_name = _("Passes")

    def ready(self):
        # Passes fill the seams of the apps below them (docs/architecture.md).
        from community.contributors import register_member_data
        from passes import member_data
        from passes.payables import PassPayable
        from payments.payables import register_payable

        # What a pass's payment does to it (payments.payables).
        register_payable("pass", PassPayable())
        # The "passes" section of the GDPR export, and their erasure.
        register_member_data(
            "passes",
            export=member_data.member_export,
            erase=member_data.member_erase,
            active_since=member_data.member_active_since,
        )
