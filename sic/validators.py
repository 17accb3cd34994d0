"""What a SIC may be given: one set of rules, run by the services that the pages and the API
both call, so that neither accepts what the other refuses. Each raises a ValidationError
keyed by the field that the form and the serializer share."""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_lazy as _

MIN_DURATION_MINUTES = 10
MAX_DURATION_MINUTES = 120
# Two SICs a year: a date further than this is a typing error, not a plan.
MAX_SCHEDULE_AHEAD = datetime.timedelta(days=2 * 365)
MAX_DECISION_LENGTH = 500

# Characters a link never holds unencoded (RFC 3986): a link with them is an injection
# attempt, and calendar clients that render HTML would run it.
_NOT_IN_A_LINK = re.compile(r'[\s"<>\\^`{|}\x00-\x1f\x7f]')
_https_url = URLValidator(schemes=["https"])


def validate_video_url(value: str) -> None:
    """A video link is an `https://` address and nothing else."""
    if not value.lower().startswith("https://"):
        raise ValidationError(_("The video link must start with https://."), code="not_https")
    if _NOT_IN_A_LINK.search(value):
        raise ValidationError(
            _("The video link holds characters a link cannot hold (quotes, angle brackets…)."),
            code="unsafe_link",
        )
    _https_url(value)


def validate_schedule(
    *,
    at: datetime.datetime,
    duration_minutes: int,
    video_url: str = "",
    now: datetime.datetime | None = None,
) -> None:
    """A date from now to two years ahead, a sensible duration, an https link (or none: a
    private room is then generated)."""
    now = now or timezone.now()
    errors: dict[str, ValidationError] = {}
    if timezone.is_naive(at):
        errors["at"] = ValidationError(_("Give the date with its time zone."), code="naive")
    elif at < now:
        errors["at"] = ValidationError(_("A SIC cannot be scheduled in the past."), code="past")
    elif at > now + MAX_SCHEDULE_AHEAD:
        errors["at"] = ValidationError(
            _("A SIC cannot be scheduled more than two years ahead."), code="too_far"
        )
    if not MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = ValidationError(
            _("A SIC lasts from %(min)d to %(max)d minutes.")
            % {"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES},
            code="duration",
        )
    if video_url:
        try:
            validate_video_url(video_url)
        except ValidationError as exc:
            errors["video_url"] = exc
    if errors:
        raise ValidationError(errors)


def validate_hold(
    *,
    invited: Collection[int],
    present: Collection[int],
    decisions: Collection[str],
    held_at: datetime.datetime | None = None,
    scheduled_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Those recorded present were invited to the SIC (the active members of the patient's
    team when it was scheduled; the patient and their caregiver are recorded apart), each
    decision fits its row, and the SIC was held (`held_at`, when given) between its
    scheduled start and now: the next SIC becomes due from that day."""
    errors: dict[str, ValidationError] = {}
    if held_at is not None:
        try:
            validate_held_at(held_at, scheduled_at=scheduled_at, now=now)
        except ValidationError as exc:
            errors["held_at"] = exc
    if set(present) - set(invited):
        errors["present"] = ValidationError(
            _("Only the members invited to this SIC can be recorded as present."),
            code="not_invited",
        )
    if any(len(text.strip()) > MAX_DECISION_LENGTH for text in decisions):
        errors["decisions"] = ValidationError(
            _("A decision holds at most %(max)d characters.") % {"max": MAX_DECISION_LENGTH},
            code="too_long",
        )
    if errors:
        raise ValidationError(errors)


def validate_held_at(
    held_at: datetime.datetime,
    *,
    scheduled_at: datetime.datetime | None,
    now: datetime.datetime | None = None,
) -> None:
    """A SIC is held from its scheduled start to now: never before the minute it was
    scheduled for (reschedule it first), never in the future. Minutes, as people and forms
    give them: a start at 14:00:35 is held "at 14:00"."""
    now = now or timezone.now()
    if timezone.is_naive(held_at):
        raise ValidationError(_("Give the date with its time zone."), code="naive")
    if scheduled_at is not None and held_at < scheduled_at.replace(second=0, microsecond=0):
        raise ValidationError(
            _(
                "A SIC cannot be recorded as held before its scheduled start (%(date)s). "
                "If it took place earlier, reschedule it first."
            )
            % {"date": format_date(timezone.localtime(scheduled_at), "j F Y, H:i")},
            code="before_scheduled",
        )
    if held_at > now:
        raise ValidationError(_("A SIC cannot be recorded as held in the future."), code="future")


# --- What the contributions record ------------------------------------------------------------

MAX_STAY_DAYS = 365


def validate_hospitalisation(*, day: datetime.date | None, days: int | None) -> None:
    """A hospitalisation has happened (not in the future) and lasted a plausible stay."""
    errors: dict[str, ValidationError] = {}
    if day is not None and day > timezone.localdate():
        errors["date"] = ValidationError(
            _("A hospitalisation cannot be in the future."), code="future"
        )
    if days is not None and not 0 <= days <= MAX_STAY_DAYS:
        errors["days"] = ValidationError(
            _("The length of stay must be between 0 and %(max)d days.") % {"max": MAX_STAY_DAYS},
            code="stay",
        )
    if errors:
        raise ValidationError(errors)
