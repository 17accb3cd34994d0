from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SicConfig(AppConfig):
    name = "sic"
    verbose_name = _("SIC")
