"""The kinds of indemnity every programme starts with (the admin renames, adds, sets rates)."""

from __future__ import annotations

from typing import Any

DEFAULT_KINDS = (
    # code, label (French, as the admin reads it; editable), source, contribution kind
    ("gp_summary", "Synthèse du médecin traitant (mini topo)", "contribution", "gp_summary"),
    ("medication_review", "Bilan de médication", "contribution", "medication_review"),
    ("nursing_assessment", "Bilan infirmier approfondi", "contribution", "nursing_assessment"),
    ("specialist_opinion", "Avis du spécialiste", "contribution", "specialist_opinion"),
    ("sic_attendance", "Participation à la SIC", "attendance", ""),
    ("team_constitution", "Constitution de l'équipe", "other", ""),
    ("first_inclusion", "Première inclusion", "other", ""),
)


def ensure_default_kinds(kind_model: Any) -> None:
    """Create the default kinds that are missing (`kind_model`: the model, or its historical
    version in a migration)."""
    for position, (code, label, source, contribution_kind) in enumerate(DEFAULT_KINDS):
        kind_model.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "source": source,
                "contribution_kind": contribution_kind,
                "position": position,
            },
        )
