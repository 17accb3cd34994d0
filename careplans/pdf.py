"""The care plan in PDF, for the patient: the same content as their page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from careplans.models import CarePlan
from careplans.selectors import actions_by_owner
from labparcours.pdf import html_to_pdf


def careplan_pdf(plan: CarePlan) -> bytes:
    context = {
        "plan": plan,
        "patient": plan.patient,
        "goals": list(plan.goals.all()),
        "groups": actions_by_owner(plan, for_patient=True, followup=False),
        "generated_at": timezone.now(),
    }
    html = render_to_string("pdf/careplan.html", context)
    return html_to_pdf(html)
