from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndemnitiesConfig(AppConfig):
    name = "indemnities"
    verbose_name = _("Indemnities")

    def ready(self) -> None:
        from indemnities import receivers  # noqa: F401  (connects the accrual to the SIC's events)
