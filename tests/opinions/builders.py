"""Data of the opinion tests: an outside specialist of the directory, requests asked, answered
or closed."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from labparcours.models import Role, User
from opinions.models import OpinionRequest
from opinions.services import opinion_answer, opinion_ask
from patients.models import Patient
from teams.models import Profession
from tests.conftest import World
from tests.factories import ProfessionalFactory, UserFactory
from tests.uploads import ACCEPTED


def outside_specialist(profession: str = Profession.CARDIOLOGIST) -> User:
    """A specialist of the directory with an account, in no team of the world."""
    user = UserFactory(role=Role.CLINICIAN)
    ProfessionalFactory(profession=profession, user=user, email=user.email)
    return user


def pdf() -> SimpleUploadedFile:
    name, content, content_type = ACCEPTED["pdf"]
    return SimpleUploadedFile(name, content, content_type=content_type)


def asked(
    world: World,
    specialist: User,
    *,
    patient: Patient | None = None,
    by: User | None = None,
    urgency: str = "7d",
    attachments: int = 0,
) -> OpinionRequest:
    """A question about the own patient from its GP (by default) to `specialist`."""
    return opinion_ask(
        patient=patient or world.own,
        by=by or world.gp,
        specialist=specialist.professional,
        question="Titration du bêtabloquant : jusqu'où monter malgré une PA à 100/60 ?",
        urgency=urgency,
        attachments=[pdf() for _ in range(attachments)],
    )


def answered(world: World, specialist: User, **kwargs: object) -> OpinionRequest:
    request = asked(world, specialist, **kwargs)  # type: ignore[arg-type]
    return opinion_answer(
        request=request, by=specialist, answer="Monter par paliers de 2,5 mg toutes les 2 semaines."
    )
