from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programme")

    def ready(self) -> None:
        from django.core import checks

        from programme.pseudonym import check_pseudonym_key

        checks.register(check_pseudonym_key)
