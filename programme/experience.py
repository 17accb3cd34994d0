"""The patients' experience, summarised over time (expérience patient): from the experience
forms submitted, how often each thing that matters most and each difficulty was ticked, per
quarter. Counts only: no name, no free text, nothing that tells one patient from another —
what the coordination and the patient partners read to improve the programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from programme.indicators import Filters, quarter_label
from sic.forms import DIFFICULTY_TOPICS, PRIORITIES
from sic.models import Contribution, ContributionKind, ContributionStatus


@dataclass
class Tally:
    """One answer: how many forms ticked it, per quarter and over the period."""

    key: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Summary:
    quarters: list[str]
    forms: list[int]  # the forms submitted per quarter
    priorities: list[Tally] = field(default_factory=list)
    difficulties: list[Tally] = field(default_factory=list)

    @property
    def total_forms(self) -> int:
        return sum(self.forms)


def experience_summary(f: Filters) -> Summary:
    """One query: the ticked answers of the forms submitted in the period, read without the
    form's author, patient or texts, counted per quarter."""
    quarters = f.quarters()
    submitted = Contribution.objects.filter(
        kind=ContributionKind.PATIENT_EXPERIENCE,
        status=ContributionStatus.SUBMITTED,
        submitted_at__gte=f.start_at,
        submitted_at__lt=f.end_at,
    )
    if f.pathway:
        submitted = submitted.filter(sic__patient__pathway=f.pathway)
    answers = submitted.values_list(
        "submitted_at", "content__priorities", "content__difficulty_topics"
    )
    forms = [0] * len(quarters)
    ticked: dict[tuple[str, str], list[int]] = {}
    for submitted_at, priorities, difficulties in answers.iterator(chunk_size=2000):
        day = timezone.localdate(submitted_at)
        index = next((i for i, q in enumerate(quarters) if q.start <= day <= q.end), None)
        if index is None:
            continue
        forms[index] += 1
        for group, values in (("p", priorities), ("d", difficulties)):
            for value in _choices(values):
                ticked.setdefault((group, value), [0] * len(quarters))[index] += 1

    def tallies(group: str, choices: list[tuple[str, Any]]) -> list[Tally]:
        rows = [
            Tally(key, str(label), ticked.get((group, key), [0] * len(quarters)))
            for key, label in choices
        ]
        return sorted(rows, key=lambda t: -t.total)

    return Summary(
        quarters=[quarter_label(q) for q in quarters],
        forms=forms,
        priorities=tallies("p", PRIORITIES),
        difficulties=tallies("d", DIFFICULTY_TOPICS),
    )


def _choices(values: object) -> set[str]:
    """The ticked keys (a list in the content; anything else is no answer)."""
    if not isinstance(values, list):
        return set()
    return {v for v in values if isinstance(v, str)}
