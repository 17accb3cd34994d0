from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabParcoursConfig(AppConfig):
    name = "labparcours"
    verbose_name = _("Lab Parcours")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.core import checks

        from labparcours.access import check_trusted_proxies
        from labparcours.celery import ensure_broker_folders
        from labparcours.retention import check_retention
        from labparcours.two_factor import count_activation, name_authenticators

        ensure_broker_folders()
        name_authenticators()
        checks.register(check_trusted_proxies)
        checks.register(check_retention)
        authenticator_added.connect(count_activation, dispatch_uid="labparcours.count_activation")
