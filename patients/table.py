"""The table of patients of two lists, the programme dashboard and a clinician's « Mes patients »:
its rows made here, in a few queries for the whole page.

A row shows three to five links and four badges. Made in the template, with a `{% url %}` and
a template tag per cell, they cost more than the page's SQL; a template loop over precomputed
values still cost 100 µs a row (a page of 50 patients: more than its SQL). So each row is
written here, cell by cell, as the template wrote it: a link is one `str.format` of a path
reversed once (`labparcours.links.pages`), a badge is made once per distinct value on the
page (a page of 50 patients has a handful of pathways, statuses and team states), and
`templates/partials/patient_table.html` keeps the table around the rows.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from labparcours.links import pages
from labparcours.models import User
from patients.models import Patient
from patients.templatetags.patient_badges import pathway_badge, status_badge, team_badge
from sic.models import Sic, SicStatus
from sic.selectors import ROW_FIELDS, my_contribution_states, open_sic_by_patient
from sic.templatetags.sic_badges import sic_status_badge
from teams.models import Membership, TeamRole, missing_roles_of
from threads.selectors import Unread, unread_counts

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What a row shows of a patient (the rest of the record stays in the database).
PATIENT_FIELDS = ("pk", "last_name", "first_name", "city", "birth_date", "pathway", "status")


@dataclass(frozen=True)
class PatientRow:
    """One row: the patient, what their team lacks, their open SIC and (« Mes patients ») the
    state of the reader's own contribution to it; `html`, the row as the table shows it."""

    patient: Patient
    missing: list[TeamRole]
    sic: Sic | None
    contribution: str | None
    unread: Unread
    html: SafeString


# The cells of a row: the patient (a link to their page, the unread messages of their threads
# linking to the thread, their city), their age, pathway, status (or the reader's role in the
# team), their team's state (a link to it); then their next SIC.
_PATIENT = (
    '<td><a href="{}"><strong>{}</strong></a>{}<div class="small muted">{}</div></td>'
    '<td class="nowrap">{}</td><td>{}</td><td>{}</td><td><a href="{}">{}</a></td>'
)
_SIC = '<td class="small"><a href="{}">{}</a><br>{}</td>'
_NO_SIC = SafeString('<td class="small">—</td>')


def _html(template: str, *args: object) -> SafeString:
    """`format_html` for the cells of many rows: the same escaping (`html.escape` of each
    value that is not already HTML), without Django's checks for lazy translations on every
    value, which cost more than the escaping (a row formats a dozen values)."""
    return mark_safe(  # noqa: S308 — every value escaped, unless it is HTML already
        template.format(
            *(arg.__html__() if hasattr(arg, "__html__") else html.escape(str(arg)) for arg in args)
        )
    )


class _Once:
    """Each badge made once per distinct value on the page: `once(kind, key, make, arg)` is
    `make(arg)` the first time `key` comes, the same badge after."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, Hashable], SafeString] = {}

    def __call__(
        self, kind: str, key: Hashable, make: Callable[[Any], SafeString], arg: object
    ) -> SafeString:
        if (kind, key) not in self.made:
            self.made[kind, key] = make(arg)
        return self.made[kind, key]


def _unread_badge(link: str, unread: Unread, sprite: str) -> SafeString:
    return _html(
        ' <a class="badge badge--danger thread-badge" href="{}"><svg class="icon" '
        'aria-hidden="true"><use href="{}#message"></use></svg>{}<span class="sr-only"> {}'
        "</span></a>",
        link,
        sprite,
        unread.total,
        ngettext("unread message", "unread messages", unread.total),
    )


_CONTRIBUTION: dict[str | None, tuple[str, StrOrPromise]] = {
    "submitted": ("badge--ok", _("Submitted")),
    "draft": ("badge--warn", _("Draft")),
    None: ("badge--danger", _("To write")),
}


def _contribution_badge(link: str, state: str | None) -> SafeString:
    """The state of the reader's contribution to a scheduled SIC, linking to its page."""
    css, label = _CONTRIBUTION.get(state, _CONTRIBUTION[None])
    return _html('<a href="{}"><span class="badge {}">{}</span></a>', link, css, label)


def patient_rows(
    user: User, patients: Iterable[Patient], *, mine: bool = False
) -> list[PatientRow]:
    """The rows of `patients` (fetched through `user`'s scope, with `PATIENT_FIELDS` at
    least) for `user`: three queries whatever their number (team roles, open SICs, unread
    messages; with `mine`, the reader's roles and contributions, two more)."""
    shown = list(patients)
    ids = [p.pk for p in shown]
    missing = missing_roles_of(ids)
    sics = open_sic_by_patient(ids, fields=ROW_FIELDS)
    unread = unread_counts(user, ids)
    states: dict[int, str] = {}
    roles: dict[uuid.UUID, list[str]] = {}
    if mine:
        states = my_contribution_states(user, list(sics.values()))
        roles = _my_roles(user, ids)
    detail, team = pages("patients:detail", uuid.UUID), pages("teams:team", uuid.UUID)
    sic_detail, thread = pages("sic:detail", int), pages("threads:thread", uuid.UUID, str)
    sprite = static("img/icons.svg")
    age = gettext("%(age)s y.")
    today = timezone.localdate()
    once = _Once()
    no_news = Unread()
    rows = []
    for patient, pk in zip(shown, ids, strict=True):
        sic = sics.get(pk)
        lacking = missing[pk]
        news = unread.get(pk, no_news)
        contribution = states.get(sic.pk) if sic else None
        cells = [
            _html(
                _PATIENT,
                detail(pk),
                str(patient),
                _unread_badge(thread(pk, news.slug), news, sprite) if news.total else "",
                patient.city,
                age % {"age": patient.age_on(today)},
                once("pathway", patient.pathway, pathway_badge, patient),
                # The clinician's role in the team, or the patient's status.
                "".join(roles.get(pk, ()))
                if mine
                else once("status", patient.status, status_badge, patient),
                team(pk),
                once("team", tuple(lacking), team_badge, lacking),
            )
        ]
        if sic is None:
            cells.append(_NO_SIC)
        else:
            badge = once("sic", _sic_state(sic), sic_status_badge, sic)
            cells.append(_html(_SIC, sic_detail(sic.pk), badge, sic.when))
        if mine:
            # The state of the clinician's contribution, while the SIC is scheduled.
            state = (
                _contribution_badge(sic_detail(sic.pk), contribution)
                if sic is not None and sic.status == SicStatus.SCHEDULED
                else ""
            )
            cells.append(_html("<td>{}</td>", state))
        rows.append(
            PatientRow(
                patient=patient,
                missing=lacking,
                sic=sic,
                contribution=contribution,
                unread=news,
                # Each cell made by _html (its values escaped).
                html=mark_safe(f"<tr>{''.join(cells)}</tr>"),  # noqa: S308
            )
        )
    return rows


def _sic_state(sic: Sic) -> tuple[Any, ...]:
    """What a SIC's badge depends on."""
    return (sic.awaits_record, sic.is_overdue, sic.status)


def _my_roles(user: User, patient_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Patient id → the labels of `user`'s active roles in their team, in one query."""
    rows = (
        Membership.objects.active()
        .filter(professional__user=user, team__patient_id__in=patient_ids)
        .order_by("role", "joined_at")
        .values_list("team__patient_id", "role")
    )
    roles: dict[uuid.UUID, list[str]] = {}
    for patient_id, role in rows:
        roles.setdefault(patient_id, []).append(str(TeamRole(role).label))
    return roles
