"""The kinds of reminder and the rules that find them, registered by the domain apps.

Each domain app says, in its own `reminders.py` (found when the apps load, like `admin.py`),
what it reminds people of: a `Kind` (its key, label, the roles that may receive it, its title
and its sentence) and the rule that finds what is due (`register(KIND, find=rule)`). The
ledger, the sweep, the sending and the preferences page read this registry and know no kind
by name: a new kind is one file in its domain app.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import formats, timezone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Kind:
    """What a reminder is about; each user chooses a channel per kind.

    `title` is a format with `%(initials)s`; `text(context, initials)` is the sentence, from
    the row's context (dates, counts: never a health detail). E-mails give the initials; the
    bell, behind the login, may give the name of a patient in the reader's scope instead.

    `own_title` and `own_text(context)` are what the patient reads of a reminder about
    themself (« Your care plan… »), where the sentence for the team or a caregiver names them
    in the third person; a kind without them says the same to everyone.

    A kind `by_hand` is written when something happens — a person sends it, or a service
    writes it at the moment of an event (`reminders.events`) — not found by a rule: the sweep
    sends it without asking a rule whether it is due. A kind not `by_email` goes to the bell
    only, whatever the user's channel: its e-mail exists already (a SIC's calendar invitation).
    """

    key: str
    label: StrOrPromise
    roles: Collection[str]
    title: StrOrPromise
    text: Callable[[Mapping[str, Any], str], str]
    by_hand: bool = False
    by_email: bool = True
    own_title: StrOrPromise | None = None
    own_text: Callable[[Mapping[str, Any]], str] | None = None


@dataclass(frozen=True)
class Candidate:
    """A reminder that is due now; it becomes a ledger row unless it is there already."""

    kind: str
    recipient_id: int
    patient_id: uuid.UUID
    target_key: str
    cycle: str
    link: str
    context: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.kind, self.target_key, self.recipient_id, self.cycle)


# The ledger's columns a rule fills, in this order: what a `Selection`'s rows hold.
SELECTED = ("kind", "target_key", "recipient_id", "cycle", "patient_id", "link", "context")


@dataclass(frozen=True)
class Selection:
    """Reminders due, selected by the database: querysets whose rows are the ledger's
    `SELECTED` columns (a `values_list` of expressions: the recipient joined, the link, the
    cycle and the context written in SQL). The sweep inserts them into the ledger with INSERT …
    SELECT: the rows never travel through Python."""

    querysets: tuple[QuerySet, ...]

    def candidates(self) -> list[Candidate]:
        """The same rows read into Python (to list or test what a rule finds)."""
        return [
            Candidate(kind, recipient_id, patient_id, target_key, cycle, link, context)
            for queryset in self.querysets
            for kind, target_key, recipient_id, cycle, patient_id, link, context in queryset
        ]


# A rule returns its candidates, computed in Python, or a selection the database writes.
Rule = Callable[[datetime.datetime], "list[Candidate] | Selection"]

_KINDS: dict[str, Kind] = {}
_RULES: list[Rule] = []


def register(*kinds: Kind, find: Rule | None = None) -> None:
    """Make these kinds known, with the rule that finds them (None: sent by hand only).
    Registering the same kind again replaces it (a module imported twice adds nothing)."""
    for kind in kinds:
        _KINDS[kind.key] = kind
    if find is not None and find not in _RULES:
        _RULES.append(find)


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def kind(key: str) -> Kind:
    """The registered kind, or a plain stand-in for a row whose kind is no longer known."""
    if key in _KINDS:
        return _KINDS[key]
    return Kind(key, key, (), "%(initials)s", lambda context, initials: initials)


def kind_choices() -> list[tuple[str, Any]]:
    """The choices of the `kind` fields, read at run time from the registry."""
    return [(k.key, k.label) for k in _KINDS.values()]


def kinds_for(role: str) -> list[Kind]:
    """The kinds a role may receive: the preferences page offers these."""
    return [k for k in _KINDS.values() if role in k.roles]


def rules() -> list[Rule]:
    return list(_RULES)


# --- Small helpers for the rules and their sentences --------------------------------------


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, in Paris."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def every_period(first_late: datetime.date, today: datetime.date, every_days: int) -> int:
    """Which period of `every_days` days `today` falls in, counted from the day after
    `first_late`: a reminder repeated every N days has one cycle per period."""
    return ((today - first_late).days - 1) // every_days


def day(value: str) -> str:
    """An ISO date of a row's context, as a sentence shows it (12 mars 2026)."""
    return formats.date_format(datetime.date.fromisoformat(value), "j F Y")
