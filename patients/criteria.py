"""Inclusion criteria of the programme, per pathway (critères d'inclusion)."""

from django.utils.translation import gettext_lazy as _

HEART_FAILURE = {
    "ic_hospitalisation": _("Hospitalisation for heart failure in the last 12 months"),
    "ic_nyha": _("NYHA class II or more"),
    "ic_ejection_fraction": _("Documented heart failure (altered or preserved ejection fraction)"),
}
DIABETES = {
    "dt2_hba1c": _("HbA1c above target despite treatment"),
    "dt2_complication": _("At least one complication or comorbidity"),
    "dt2_insulin": _("Insulin therapy or complex treatment"),
}
COMPLEXITY = {
    "medical_complexity": _("Medical complexity (several diseases, many medications)"),
    "psychosocial_complexity": _(
        "Psycho-social complexity (isolation, precariousness, health literacy)"
    ),
}
ALL = {**HEART_FAILURE, **DIABETES, **COMPLEXITY}
