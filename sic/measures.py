"""The clinical measures the contributions record (mesures cliniques): each with its unit,
its plausible range and the contribution form that records it. One catalogue that the
forms, the API (through the forms), the clinical view and its charts all read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from sic.models import ContributionKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HEART_FAILURE, DIABETES = "ic", "dt2"
BOTH = frozenset({HEART_FAILURE, DIABETES})
# The pathways of a patient's pathway (patients.models.Pathway).
PATHWAYS_OF = {"ic": {HEART_FAILURE}, "dt2": {DIABETES}, "ic_dt2": set(BOTH)}
NYHA = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Measure:
    """One measure: `key` in the contribution's content, a value in `unit` from `low` to
    `high` with at most `decimals` decimals, recorded by the form of `kind` for the
    patients of `pathways`."""

    key: str
    label: StrOrPromise
    short: StrOrPromise  # in the clinical view's tiles and charts
    unit: StrOrPromise
    low: Decimal
    high: Decimal
    decimals: int
    kind: str
    pathways: frozenset[str]
    out_of_range: StrOrPromise  # with %(low)s and %(high)s

    @property
    def is_class(self) -> bool:
        return self.key == "nyha_class"

    def number(self, value: Decimal | int | float | str) -> str:
        """The value as a French reader writes it: 82,4 — or a NYHA class in Roman numerals."""
        if self.is_class:
            return NYHA.get(int(value), str(value))
        return number_format(
            Decimal(str(value)), decimal_pos=self.decimals, use_l10n=True, force_grouping=True
        )

    def display(self, value: Decimal | int | float | str) -> str:
        if self.is_class:
            return f"NYHA {self.number(value)}"
        return f"{self.number(value)} {self.unit}".strip()

    def range_message(self) -> str:
        return str(self.out_of_range) % {"low": _bound(self.low), "high": _bound(self.high)}

    def validate(self, value: Decimal) -> None:
        """A measure is a number of its unit, in its plausible range, with no more decimals
        than it is measured with: the one rule of the page's forms and the API's
        contributions."""
        if not value.is_finite() or not self.low <= value <= self.high:
            raise ValidationError(self.range_message(), code="out_of_range")
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.decimals:
            if self.decimals == 0:
                message = _("%(measure)s: a whole number is expected.")
            else:
                message = _("%(measure)s: at most one decimal is expected.")
            raise ValidationError(message % {"measure": self.label}, code="decimals")

    def stored(self, value: Decimal) -> int | str:
        """How the content keeps it (JSON): whole numbers as numbers, decimals as text so
        that none is rounded by a float."""
        if self.decimals == 0:
            return int(value)
        return str(value.quantize(Decimal(1).scaleb(-self.decimals)))


def _bound(value: Decimal) -> str:
    """A bound as written: 9, 1,5, 70 000 (no decimal a whole number does not have)."""
    plain = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    return number_format(plain, use_l10n=True, force_grouping=True)


def _measure(
    key: str,
    label: StrOrPromise,
    unit: StrOrPromise,
    bounds: tuple[str, str, int],
    kind: str,
    pathways: Iterable[str],
    out_of_range: StrOrPromise,
    short: StrOrPromise | None = None,
) -> Measure:
    low, high, decimals = bounds
    return Measure(
        key=key,
        label=label,
        short=short or label,
        unit=unit,
        low=Decimal(low),
        high=Decimal(high),
        decimals=decimals,
        kind=kind,
        pathways=frozenset(pathways),
        out_of_range=out_of_range,
    )


NURSE, GP, SPECIALIST = (
    ContributionKind.NURSING_ASSESSMENT,
    ContributionKind.GP_SUMMARY,
    ContributionKind.SPECIALIST_OPINION,
)

# In the order the clinical view shows them.
MEASURES: tuple[Measure, ...] = (
    _measure(
        "weight_kg",
        _("Weight"),
        "kg",
        ("20", "300", 1),
        NURSE,
        BOTH,
        _("The weight must be between %(low)s and %(high)s kg."),
    ),
    _measure(
        "bp_systolic",
        _("Systolic blood pressure"),
        "mmHg",
        ("60", "260", 0),
        NURSE,
        BOTH,
        _("The systolic pressure must be between %(low)s and %(high)s mmHg."),
        short=_("Systolic BP"),
    ),
    _measure(
        "bp_diastolic",
        _("Diastolic blood pressure"),
        "mmHg",
        ("30", "160", 0),
        NURSE,
        BOTH,
        _("The diastolic pressure must be between %(low)s and %(high)s mmHg."),
        short=_("Diastolic BP"),
    ),
    _measure(
        "heart_rate",
        _("Heart rate"),
        "bpm",
        ("20", "250", 0),
        NURSE,
        BOTH,
        _("The heart rate must be between %(low)s and %(high)s bpm."),
    ),
    _measure(
        "nyha_class",
        _("NYHA class"),
        "",
        ("1", "4", 0),
        SPECIALIST,
        {HEART_FAILURE},
        _("The NYHA class goes from I to IV."),
    ),
    _measure(
        "lvef_percent",
        _("LVEF, left ventricular ejection fraction"),
        "%",
        ("5", "80", 0),
        SPECIALIST,
        {HEART_FAILURE},
        _("The LVEF must be between %(low)s and %(high)s %%."),
        short=_("LVEF"),
    ),
    _measure(
        "nt_probnp",
        _("NT-proBNP"),
        "pg/mL",
        ("5", "70000", 0),
        GP,
        {HEART_FAILURE},
        _("The NT-proBNP must be between %(low)s and %(high)s pg/mL."),
    ),
    _measure(
        "hba1c_percent",
        _("HbA1c"),
        "%",
        ("3", "20", 1),
        GP,
        {DIABETES},
        _("The HbA1c must be between %(low)s and %(high)s %%."),
    ),
    _measure(
        "egfr",
        _("eGFR, CKD-EPI"),
        _("mL/min/1.73 m²"),
        ("2", "200", 0),
        GP,
        BOTH,
        _("The eGFR must be between %(low)s and %(high)s mL/min/1.73 m²."),
        short=_("eGFR"),
    ),
    _measure(
        "potassium",
        _("Potassium"),
        "mmol/L",
        ("1.5", "9", 1),
        GP,
        BOTH,
        _("The potassium must be between %(low)s and %(high)s mmol/L."),
    ),
)
MEASURE_OF = {m.key: m for m in MEASURES}


def measures_for(*, kind: str | None = None, pathway: str | None = None) -> list[Measure]:
    """The measures a form of `kind` records for a patient of `pathway` (every pathway's
    when it is not known), in the catalogue's order."""
    wanted = PATHWAYS_OF.get(pathway or "", BOTH)
    return [m for m in MEASURES if (kind is None or m.kind == kind) and m.pathways & set(wanted)]


def measure_values(content: dict[str, Any]) -> dict[str, Decimal]:
    """The measures a contribution's content holds, as numbers (what is not one is left)."""
    values = {}
    for key, measure in MEASURE_OF.items():
        raw = content.get(key)
        if raw is None or isinstance(raw, bool) or raw == "":
            continue
        try:
            values[measure.key] = Decimal(str(raw))
        except ArithmeticError:
            continue
    return values
