"""The patients' experience, summarised over time (expérience patient): from the experience
forms submitted, how often each thing that matters most and each difficulty was ticked, per
quarter. Counts only: no name, no free text, nothing that tells one patient from another —
what the coordination and the patient partners read to improve the programme.

Counts alone can still tell one patient from another: three forms in a quarter, one of them
known to be Mrs Martin's, and "feeling alone: 1" says what she ticked; a window of one day, or
the difference between "every pathway" and the sum of two pathways, isolates one form. So the
summary is statistical disclosure control as French health statistics practise it
(le secret statistique):

- periods are whole calendar quarters (a window of one day reads its whole quarter);
- a patient partner reads finished quarters only (a figure that moves from one day to the
  next tells what the day's form said);
- each count is made of cells, a quarter and a pathway each; a count whose cells are all 0 or
  at least `LABPARCOURS_SMALL_COUNT` is shown exactly; one below it is shown « < 5 »; one
  above it that holds such a cell is rounded to 5 (« ≈ 45 »), so that no subtraction of
  shown figures (another pathway, another quarter, the total) gives a cell back;
- a period with fewer forms than that shows no answer at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format

from patients.models import Pathway
from programme.indicators import Filters, quarter_label
from sic.forms import DIFFICULTY_TOPICS, PRIORITIES
from sic.models import Contribution, ContributionKind, ContributionStatus

# What a count that holds a small cell is rounded to.
ROUNDING = 5


@dataclass(frozen=True)
class Figure:
    """A count as the page shows it. `shown` is what may be read (the exact count, or the
    count rounded; None when it is below the threshold), `text` how it is written."""

    shown: int | None
    text: str
    exact: bool


def figure(cells: Iterable[int], smallest: int) -> Figure:
    """The count of `cells` (each a quarter and a pathway), shown as the module says."""
    cells = list(cells)
    total = sum(cells)
    if all(cell == 0 or cell >= smallest for cell in cells):
        return Figure(total, number_format(total, force_grouping=True), True)
    if total < smallest:
        return Figure(None, f"< {smallest}", False)
    rounded = ROUNDING * round(total / ROUNDING)
    return Figure(rounded, f"≈ {number_format(rounded, force_grouping=True)}", False)


@dataclass
class Tally:
    """One answer: how many forms ticked it, per quarter and over the period."""

    key: str
    label: str
    counts: list[Figure]
    total: Figure


@dataclass
class Summary:
    start: datetime.date
    end: datetime.date
    smallest: int
    quarters: list[str]
    forms: list[Figure]  # the forms submitted per quarter
    total_forms: Figure
    priorities: list[Tally] = field(default_factory=list)
    difficulties: list[Tally] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        """Enough forms over the period for any answer to be shown (and at least one)."""
        return bool(self.total_forms.shown)


def whole_quarters(f: Filters, *, today: datetime.date, current: bool) -> Filters:
    """The period widened to whole calendar quarters; without `current`, ending with the
    last finished quarter."""
    start = _quarter_start(f.start)
    end = _quarter_start(f.end)
    end = _next_quarter(end) - datetime.timedelta(days=1)
    if not current:
        end = min(end, _quarter_start(today) - datetime.timedelta(days=1))
    return replace(f, start=start, end=end)


def experience_summary(
    f: Filters, *, current: bool = True, today: datetime.date | None = None
) -> Summary:
    """One query: the ticked answers of the forms submitted in the period (in whole quarters,
    the current one only with `current`), read without the form's author or texts, counted per
    quarter and pathway, then shown as the module says."""
    smallest: int = settings.LABPARCOURS_SMALL_COUNT
    f = whole_quarters(f, today=today or timezone.localdate(), current=current)
    quarters = f.quarters() if f.start <= f.end else []
    pathways = [f.pathway] if f.pathway else list(Pathway.values)
    # Every pathway is read whatever the filter: a figure is judged by its cells.
    answers = Contribution.objects.filter(
        kind=ContributionKind.PATIENT_EXPERIENCE,
        status=ContributionStatus.SUBMITTED,
        submitted_at__gte=f.start_at,
        submitted_at__lt=f.end_at,
    ).values_list(
        "submitted_at", "sic__patient__pathway", "content__priorities", "content__difficulty_topics"
    )
    forms: dict[tuple[int, str], int] = {}
    ticked: dict[tuple[str, str, int, str], int] = {}
    for submitted_at, pathway, priorities, difficulties in answers.iterator(chunk_size=2000):
        day = timezone.localdate(submitted_at)
        index = next((i for i, q in enumerate(quarters) if q.start <= day <= q.end), None)
        if index is None:
            continue
        forms[index, pathway] = forms.get((index, pathway), 0) + 1
        for group, values in (("p", priorities), ("d", difficulties)):
            for value in _choices(values):
                key = (group, value, index, pathway)
                ticked[key] = ticked.get(key, 0) + 1

    shown_quarters = range(len(quarters))

    def counts(cell: Any) -> tuple[list[Figure], Figure]:
        per_quarter = [figure((cell(i, p) for p in pathways), smallest) for i in shown_quarters]
        total = figure((cell(i, p) for i in shown_quarters for p in pathways), smallest)
        return per_quarter, total

    per_quarter, total_forms = counts(lambda i, p: forms.get((i, p), 0))

    def tallies(group: str, choices: list[tuple[str, Any]]) -> list[Tally]:
        rows = []
        for key, label in choices:
            cells, total = counts(lambda i, p, key=key: ticked.get((group, key, i, p), 0))
            rows.append(Tally(key, str(label), cells, total))
        return sorted(rows, key=lambda t: -(t.total.shown or 0))

    summary = Summary(
        start=f.start,
        end=f.end,
        smallest=smallest,
        quarters=[quarter_label(q) for q in quarters],
        forms=per_quarter,
        total_forms=total_forms,
    )
    if summary.enough:
        summary.priorities = tallies("p", PRIORITIES)
        summary.difficulties = tallies("d", DIFFICULTY_TOPICS)
    return summary


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(first: datetime.date) -> datetime.date:
    month = first.month + 3
    return datetime.date(first.year + (month > 12), (month - 1) % 12 + 1, 1)


def _choices(values: object) -> set[str]:
    """The ticked keys (a list in the content; anything else is no answer)."""
    if not isinstance(values, list):
        return set()
    return {v for v in values if isinstance(v, str)}
