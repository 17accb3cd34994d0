"""Writes of specialist opinions: ask, answer, close, pin. For the pages and the API alike;
each tells whom it concerns (`opinions.reminders`) in its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labparcours.errors import DomainError, NotAllowed
from labparcours.models import User
from labparcours.uploads import clean_upload
from opinions import reminders, rules
from opinions.models import OpinionAttachment, OpinionRequest, Urgency
from opinions.selectors import askable_specialists
from patients.models import Patient, PatientStatus
from teams.models import Professional

MAX_ATTACHMENTS = 5


@transaction.atomic
def opinion_ask(
    *,
    patient: Patient,
    by: User,
    specialist: Professional,
    question: str,
    urgency: str,
    attachments: Sequence[Any] = (),
) -> OpinionRequest:
    """A team member (or the coordinator) asks a specialist a question about the patient,
    with chosen attachments (each checked by the one upload validator); the deadline follows
    the urgency. The specialist is told at once."""
    if not rules.can_ask(by, patient):
        raise NotAllowed(
            _("Only the coordinator or a member of the patient's team asks for an opinion."),
            code="not_a_team_member",
        )
    if patient.status != PatientStatus.INCLUDED:
        raise DomainError(_("This patient is no longer in the programme."), code="not_included")
    if not askable_specialists(patient, exclude=by).filter(pk=specialist.pk).exists():
        raise DomainError(
            _("Ask a specialist of the team or of the directory who has an account."),
            code="not_a_specialist",
        )
    if not question.strip():
        raise DomainError(_("Write the question."), code="empty_question")
    if len(attachments) > MAX_ATTACHMENTS:
        raise DomainError(
            _("At most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}, code="too_many_files"
        )
    now = timezone.now()
    request = OpinionRequest.objects.create(
        patient=patient,
        asked_by=by,
        specialist=specialist,
        question=question.strip(),
        urgency=urgency,
        asked_at=now,
        due_at=now + Urgency(urgency).delay,
    )
    for upload in attachments:
        # Checked again here: a file never reaches the storage by another door.
        checked = clean_upload(upload)
        OpinionAttachment.objects.create(
            request=request,
            file=checked,
            content_type=checked.content_type,
            size=checked.size,
            added_by=by,
            added_at=now,
        )
    reminders.opinion_asked(request, by=by)
    return request


def _locked(request: OpinionRequest) -> OpinionRequest:
    """The row locked (a second click waits, then finds the new state), with what the
    caller already read about it."""
    fresh = OpinionRequest.objects.select_for_update().get(pk=request.pk)
    fresh.patient = request.patient
    fresh.specialist = request.specialist
    return fresh


@transaction.atomic
def opinion_answer(*, request: OpinionRequest, by: User, answer: str) -> OpinionRequest:
    """The asked specialist answers; the asker and the team are told, the reminders to answer
    are done."""
    if not rules.can_answer(by, request):
        raise NotAllowed(_("Only the specialist who was asked answers."), code="not_the_specialist")
    row = _locked(request)
    row.record_answer(by=by, text=answer)
    row.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    reminders.opinion_answered(row, by=by)
    return row


@transaction.atomic
def opinion_close(*, request: OpinionRequest, by: User) -> OpinionRequest:
    """The asker or the coordinator closes the request (withdraws it, when unanswered): an
    outside specialist no longer reads it."""
    if not rules.can_close(by, request):
        raise NotAllowed(_("Only the asker or the coordinator closes a request."))
    row = _locked(request)
    row.close(by=by)
    row.save(update_fields=["status", "closed_at", "closed_by"])
    reminders.opinion_closed(row)
    return row


@transaction.atomic
def opinion_pin(*, request: OpinionRequest, by: User, pinned: bool = True) -> OpinionRequest:
    """Pin the answer to the next SIC (« À discuter en SIC »), or take it off."""
    if not rules.can_pin(by, request):
        raise NotAllowed(_("Only the team and the coordinator prepare the SIC."))
    row = _locked(request)
    if pinned:
        row.pin(by=by)
    else:
        row.unpin()
    row.save(update_fields=["answer_pinned_at", "pinned_by"])
    return row
