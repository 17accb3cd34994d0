from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """The reminder ledger, its sweep and sending, the bell and the preferences. The kinds and
    their rules live in the domain apps' `reminders.py`, loaded here like the admin's."""

    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from importlib import import_module

        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reminders")
        import_module("reminders.manual")  # the reminder sent by hand, the one kind of its own
