"""What the programme keeps of its own: the record of every export of its data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labparcours.ledger import AppendOnlyModel, AppendOnlyQuerySet


class ExportKind(models.TextChoices):
    EVALUATION = "evaluation", _("Pseudonymised export for the evaluators")
    FUNDER_REPORT = "funder_report", _("Activity report for the funders")


class ExportRecord(AppendOnlyModel):
    """An export of the programme's data (export tracé): who made it, when, with which
    filters, and how many patients it covers. Never changed nor deleted."""

    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    filters = models.JSONField(_("filters"), default=dict)
    free_texts = models.BooleanField(_("free texts included"), default=False)
    file_format = models.CharField(_("format"), max_length=10)
    patients = models.PositiveIntegerField(_("patients"), default=0)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.at:%d/%m/%Y %H:%M}"
