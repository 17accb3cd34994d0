from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabParcoursConfig(AppConfig):
    name = "labparcours"
    verbose_name = _("Lab Parcours")

    def ready(self) -> None:
        from labparcours.celery import ensure_broker_folders

        ensure_broker_folders()
