"""Reads of the indemnities: the admin reads every line and batch; a professional their own;
nobody else any."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from indemnities import rules
from indemnities.models import (
    BatchLine,
    IndemnityLine,
    IndemnityLineQuerySet,
    PaymentBatch,
    PaymentBatchQuerySet,
)
from labparcours.models import User


def visible_lines(user: User) -> IndemnityLineQuerySet:
    lines = IndemnityLine.objects.with_state().select_related("kind", "patient")
    if rules.can_manage(user):
        return lines
    return lines.filter(professional__user=user)


def visible_batches(user: User) -> PaymentBatchQuerySet:
    if rules.can_manage(user):
        return PaymentBatch.objects.all()
    own = BatchLine.objects.filter(batch=OuterRef("pk"), line__professional__user=user)
    return PaymentBatch.objects.filter(Exists(own))
