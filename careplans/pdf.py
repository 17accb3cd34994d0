"""The care plan in PDF, for the patient: the same content as their page."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from careplans.models import CarePlan
from careplans.selectors import actions_by_owner


def careplan_pdf(plan: CarePlan) -> bytes:
    context = {
        "plan": plan,
        "patient": plan.patient,
        "goals": list(plan.goals.all()),
        "groups": actions_by_owner(plan, for_patient=True),
        "generated_at": timezone.now(),
    }
    html = render_to_string("pdf/careplan.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
