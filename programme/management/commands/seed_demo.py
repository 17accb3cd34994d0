"""Demo data: the whole programme working, for a newcomer's first `make run`.

The demo goes through the functions users trigger (record and include a patient, record
consents, build the team, accept invitations, schedule and hold SICs, write contributions,
write, propose and validate plans, ask for changes and answer them, sweep reminders), so it
exercises the real paths, and the bells ring as they would have: what an event asked and is
done since has left them. Its data
(people, patients, texts, and the story each patient shows) is in `programme.demo_data`.

Those functions stamp `timezone.now()`; the stories happened over past months. Where a function
takes a date (`on=`, `given_at=`) it is given one; where it cannot, `backdate` moves its
timestamps afterwards, each call saying which and why.

Loaded once: when the demo coordinator exists, running again changes nothing. `--if-empty`
does nothing when the database has any user.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from budget.models import BudgetCategory, BudgetRate, CareProvider, ProviderKind
from budget.services import (
    envelopes_open_due,
    expense_mark_paid,
    expense_record,
    supplementary_care_approve,
    supplementary_care_request,
)
from careplans.models import (
    Action,
    ActionOccurrence,
    ActionStatus,
    CarePlan,
    Owner,
    PlanStatus,
    ValidationMethod,
)
from careplans.reminders import PLAN_PROPOSED, plan_target
from careplans.selectors import patient_goals
from careplans.services import (
    careplan_add_action,
    careplan_add_goal,
    careplan_changes_answer,
    careplan_changes_request,
    careplan_propose,
    careplan_remove,
    careplan_start,
    careplan_validation_record,
)
from indemnities.defaults import ensure_default_kinds
from indemnities.models import IndemnityKind, IndemnityLine, IndemnityRate
from indemnities.services import (
    accrue_missing,
    bank_account_save,
    batch_build,
    batch_mark_paid,
    item_add,
    lines_approve,
)
from labparcours.celery import app as celery_app
from labparcours.invitations import invitation_accept, invitation_send
from labparcours.models import AccessLogEntry, InvitationKind, Role, User
from opinions.models import Urgency
from opinions.services import opinion_answer, opinion_ask, opinion_pin
from patients.models import EXIT_EVENTS, ConsentKind, Patient
from patients.pathway import followup_contact_record
from patients.services import caregiver_add, consent_record
from programme import demo_data as data
from programme.workflows import pathway_event_record, patient_include, patient_record
from reminders.events import reminders_notify
from reminders.sweep import reminders_sweep
from sic.models import KIND_OF_TEAM_ROLE, ContributionKind, Sic, SicStatus
from sic.selectors import contribution_for
from sic.services import contribution_save, sic_cancel, sic_hold, sic_schedule
from teams.models import Membership, PracticeMode, Profession, Professional
from teams.services import membership_add
from threads.models import Audience
from threads.selectors import thread_of
from threads.services import message_pin, message_post

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
INCLUSION_CONSENTS = (
    ConsentKind.PARTICIPATION,
    ConsentKind.TEAM_SHARING,
    ConsentKind.SIC_ATTENDANCE,
)


def at(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def backdate(obj: Model, **timestamps: object) -> None:
    """Move timestamps a service stamped with `timezone.now()` to the story's past date: an
    `update()` of those fields only, after the service ran its checks and writes."""
    type(obj)._default_manager.filter(pk=obj.pk).update(**timestamps)


@contextmanager
def quietly() -> Iterator[None]:
    """The e-mails of the demo's invitations and SIC calendars are built, then dropped: the
    tasks run at once (no worker sends them later) into a backend that sends nothing."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    # A hundred "task succeeded" lines tell a newcomer nothing; nor do the "no rate" warnings
    # of the SICs held before the demo's programme sets its indemnity rates (then accrued).
    muted = {
        logging.getLogger("celery.app.trace"): logging.WARNING,
        logging.getLogger("indemnities.services"): logging.ERROR,
    }
    levels = {logger: logger.level for logger in muted}
    for logger, level in muted.items():
        logger.setLevel(level)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        celery_app.conf.task_always_eager = eager
        for logger, level in levels.items():
            logger.setLevel(level)


def demo_action(what: str, who: str, when: str, members: dict[str, Membership]) -> Action | None:
    """An action of the demo tables: `who` is a team role, "patient", "caregiver" or
    "provider:<name>"; None when the team has no member in that role."""
    action = Action(what=what, when=when)
    if who.startswith("provider:"):
        action.owner, action.provider = Owner.PROVIDER, who.split(":", 1)[1]
    elif who in {Owner.PATIENT, Owner.CAREGIVER}:
        action.owner = who
    elif who in members:
        action.owner, action.membership = Owner.MEMBER, members[who]
    else:
        return None
    return action


class Command(BaseCommand):
    help = "Load the demo data (once). Every demo account's password: labparcours-demo."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database has users."
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        if if_empty and User.objects.exists():
            self.stdout.write("Database not empty: demo data not loaded.")
            return
        if User.objects.filter(email="coordinatrice@demo.test").exists():
            self.stdout.write("Demo data already loaded.")
            return
        with quietly(), transaction.atomic():
            Demo(today=timezone.localdate()).seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Password: " + data.DEMO_PASSWORD))


class Demo:
    """The steps of the demo, in the order a programme lives them."""

    def __init__(self, *, today: datetime.date) -> None:
        self.today = today

    def seed(self) -> None:
        admin = User.objects.create_superuser(
            "admin@demo.test", data.DEMO_PASSWORD, first_name="Isabelle", last_name="Vasseur"
        )
        self.coordinator = User.objects.create_user(
            "coordinatrice@demo.test",
            data.DEMO_PASSWORD,
            role=Role.COORDINATOR,
            first_name="Claire",
            last_name="Lefebvre",
            phone=data.COORDINATOR_PHONE,
        )
        for user in (admin, self.coordinator):
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        self.admin = admin
        self.pros = {spec.key: self.professional(seed, spec) for seed, spec in self.numbered()}
        self.budget_rates()
        for index, spec in enumerate(data.PATIENTS):
            self.patient(index, spec)
        envelopes_open_due(self.today)  # the second year of those included over a year ago
        for care in data.CARES:
            self.supplementary_care(care)
        self.caregiver(data.CAREGIVER)
        self.former_member(*data.FORMER_MEMBER)
        for event in data.EVENTS:
            self.pathway_event(event)
        for opinion in data.OPINIONS:
            self.opinion(opinion)
        self.indemnities()
        self.access_history()
        self.threads()
        reminders_sweep(inline=True)  # the bell already rings on first login

    @staticmethod
    def numbered() -> Iterator[tuple[int, data.Pro]]:
        return enumerate(data.PROFESSIONALS, start=1)

    def accept(self, kind: str, email: str, first: str, last: str, **target: object) -> User:
        """Invite by e-mail and accept the invitation: the login every demo user gets."""
        invitation = invitation_send(kind=kind, email=email, invited_by=self.coordinator, **target)
        return invitation_accept(
            invitation=invitation, password=data.DEMO_PASSWORD, first_name=first, last_name=last
        )

    # --- people ---------------------------------------------------------------------------

    def professional(self, seed: int, spec: data.Pro) -> Professional:
        pro = Professional(**data.professional_fields(seed, spec))
        pro.full_clean()  # what the directory form checks
        pro.save()
        if spec.has_account:
            self.accept(
                InvitationKind.PROFESSIONAL, pro.email, spec.first, spec.last, professional=pro
            )
            pro.refresh_from_db()
        return pro

    def patient(self, index: int, spec: data.Pat) -> None:
        patient = patient_record(
            coordinator=self.coordinator,
            consents=[],
            include=False,
            **data.patient_fields(index, spec),
        )
        if spec.account:
            self.accept(
                InvitationKind.PATIENT, spec.account, spec.first, spec.last, patient=patient
            )
            patient.refresh_from_db()
            if spec.partner:
                User.objects.filter(email=spec.account).update(is_patient_partner=True)
        if spec.months_included is None:  # a candidate, who agreed three days ago
            consent_record(
                patient=patient,
                kind=ConsentKind.PARTICIPATION,
                recorded_by=self.coordinator,
                given_at=timezone.now() - 3 * DAY,
            )
            return
        inclusion = self.today - 30 * spec.months_included * DAY
        for kind in INCLUSION_CONSENTS:
            consent_record(
                patient=patient, kind=kind, recorded_by=self.coordinator, given_at=at(inclusion, 10)
            )
        for key in spec.team:
            pro = self.pros[key]
            member = membership_add(
                team=patient.care_team,
                professional=pro,
                role=data.ROLE_OF.get(Profession(pro.profession), pro.default_team_role),
                added_by=self.coordinator,
            )
            # Added two days after the inclusion, not today: the team's history reads true.
            backdate(member, joined_at=at(inclusion + 2 * DAY, 10))
        patient_include(patient=patient, on=inclusion)  # the first SIC becomes due
        getattr(self, f"sic_{spec.sic}")(patient, inclusion)
        if spec.plan:
            getattr(self, f"plan_{spec.plan}")(patient)
        if spec.exited in EXIT_EVENTS.values():  # told as it happened: a pathway event
            event_kind = next(k for k, reason in EXIT_EVENTS.items() if reason == spec.exited)
            pathway_event_record(
                patient=patient,
                by=self.coordinator,
                kind=event_kind,
                occurred_on=self.today - 20 * DAY,
                source="relative",
                source_detail="Appel de son épouse",
            )
        elif spec.exited:
            patient.exit(reason=spec.exited, on=self.today - 20 * DAY)

    def pathway_event(self, spec: data.Event) -> None:
        """An event recorded by the coordinator on the day it was learned, and the contacts
        the team made after it."""
        patient = Patient.objects.get(last_name=spec.patient)
        occurred = self.today - spec.days_ago * DAY
        discharged = occurred + spec.stay_days * DAY if spec.stay_days is not None else None
        event = pathway_event_record(
            patient=patient,
            by=self.coordinator,
            kind=spec.kind,
            occurred_on=occurred,
            discharged_on=discharged,
            cause=spec.cause,
            establishment=spec.establishment,
            source=spec.source,
            source_detail=spec.source_detail,
        )
        backdate(event, recorded_at=at(discharged or occurred, 11))
        if discharged is None:  # contacts follow a discharge
            return
        for kind, after, key in spec.contacts:
            followup_contact_record(
                patient=patient,
                kind=kind,
                by=self.pros[key].user or self.coordinator,
                on=discharged + after * DAY,
            )

    def caregiver(self, spec: data.Carer) -> None:
        patient = Patient.objects.get(last_name=spec.patient)
        caregiver = caregiver_add(
            patient=patient,
            recorded_by=self.coordinator,
            delegation=True,
            first_name=spec.first,
            last_name=spec.last,
            relationship=spec.relationship,
            email=spec.email,
            phone=spec.phone,
        )
        user = self.accept(
            InvitationKind.CAREGIVER, spec.email, spec.first, spec.last, caregiver=caregiver
        )
        # She joins after the plan was proposed: told of it as she would have been.
        waiting = CarePlan.objects.filter(patient=patient, status=PlanStatus.PROPOSED).first()
        if waiting is not None:
            reminders_notify(
                kind=PLAN_PROPOSED,
                patient_id=patient.pk,
                target_key=plan_target(waiting),
                to={user.pk: reverse("careplans:my_plan")},
                context={"revised": waiting.was_revised},
                by=self.coordinator,
            )

    def former_member(self, patient_name: str, key: str, role: str, joined: int, kept: int) -> None:
        patient = Patient.objects.get(last_name=patient_name)
        member = membership_add(
            team=patient.care_team,
            professional=self.pros[key],
            role=role,
            added_by=self.coordinator,
        )
        member.leave()
        # Joined and left months ago: the history stays, the access is long gone.
        since = timezone.now() - joined * DAY
        backdate(member, joined_at=since, left_at=since + kept * DAY)

    def access_history(self) -> None:
        """Reads of Mr Lambert's record by his team, and his name on the coordinator's lists,
        logged as any page logs them, then moved back to when they happened."""
        patient = Patient.objects.get(last_name="Lambert")
        now = timezone.now()
        for key, what, days in data.READS:
            reader = self.pros[key].user
            if reader is None:
                raise CommandError(f"The demo reader {key} has no account.")
            self.read(reader, patient, what, at=now - datetime.timedelta(days=days, hours=3))
        for what, days, time in data.LIST_READS:
            day = self.today - datetime.timedelta(days=days)
            at = timezone.make_aware(datetime.datetime.combine(day, time))
            self.read(self.coordinator, [patient], what, at=at)

    def threads(self) -> None:
        """Mr Lambert's team thread (the nurse's photo of a swollen ankle, the GP's answer
        naming the pharmacist, a message pinned for the next SIC) and his thread with the
        team, through the services, then moved back to when they were written."""
        patient = Patient.objects.get(last_name="Lambert")
        names = {key: f"@{pro.user.get_full_name()}" for key, pro in self.pros.items() if pro.user}
        for audience, story in (
            (Audience.TEAM, data.TEAM_THREAD),
            (Audience.PATIENT, data.PATIENT_THREAD),
        ):
            thread = thread_of(patient, audience)
            for author_key, days, hour, text, flags in story:
                author: User | None
                if author_key == "coordination":
                    author = self.coordinator
                elif author_key == "patient":
                    author = self.account(patient)
                else:
                    author = self.pros[author_key].user
                if author is None:
                    raise CommandError(f"The demo author {author_key} has no account.")
                files = [self.ankle_photo()] if data.THREAD_PHOTO in flags else []
                message = message_post(
                    thread=thread,
                    author=author,
                    text=text.format(pharmacien=names[data.PHARM]),
                    files=files,
                )
                when = at(self.today - days * DAY, hour)
                backdate(message, created_at=when)
                if data.THREAD_PIN in flags:
                    message_pin(message=message, by=self.coordinator)
                    backdate(message, pinned_at=at(self.today - DAY, 11))

    @staticmethod
    def ankle_photo() -> ContentFile:
        """A plausible photo of a swollen ankle, drawn with Pillow (nothing downloaded)."""
        from PIL import Image, ImageDraw, ImageFilter

        image = Image.new("RGB", (960, 720), (214, 222, 228))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 520, 960, 720), fill=(176, 160, 142))  # the floor
        skin, shade = (226, 178, 150), (204, 150, 124)
        draw.polygon([(400, 0), (560, 0), (585, 430), (375, 430)], fill=skin)  # the leg
        draw.ellipse((330, 360, 640, 560), fill=skin)  # the swollen ankle
        draw.ellipse((350, 470, 820, 640), fill=skin)  # the foot
        draw.ellipse((560, 400, 640, 500), fill=shade)  # the malleolus, puffy
        draw.ellipse((455, 430, 500, 470), fill=(196, 140, 116))  # the pitting of the oedema
        image = image.filter(ImageFilter.GaussianBlur(3))
        out = io.BytesIO()
        image.save(out, format="PNG")
        return ContentFile(out.getvalue(), name="cheville.png")

    @staticmethod
    def read(
        reader: User, patients: Patient | list[Patient], what: str, at: datetime.datetime
    ) -> None:
        """One read (of a record, or of a list showing the patient), written at `at`: the
        access log is append-only, so the row is written with its past time, not moved."""
        listed = isinstance(patients, list)
        AccessLogEntry.objects.bulk_create(
            AccessLogEntry(
                patient=patient,
                user=reader,
                what=what,
                listed=listed,
                ip_address=data.DEMO_IP,
                at=at,
            )
            for patient in (patients if isinstance(patients, list) else [patients])
        )

    # --- SICs -----------------------------------------------------------------------------

    def open_sic(self, patient: Patient) -> Sic:
        return Sic.objects.open().get(patient=patient)

    def schedule(self, patient: Patient, day: datetime.date) -> Sic:
        """Schedule the open SIC on `day`; the service refuses a past date, so a past SIC is
        scheduled in an hour and its date moved back to `day` afterwards."""
        when = at(day)
        sic = self.open_sic(patient)
        past = when < timezone.now()
        soon = timezone.now() + datetime.timedelta(hours=1)
        sic = sic_schedule(sic=sic, at=soon if past else when)
        if past:
            backdate(sic, scheduled_at=when)
            sic.refresh_from_db()
        return sic

    def contribute(
        self,
        sic: Sic,
        *,
        kinds: set[str],
        submitted_on: datetime.date,
        drafts: Collection[str] = frozenset(),
    ) -> None:
        """Each writer of the team (and the patient's side) writes their contribution, with
        the measures and medications of the patient's story at this SIC."""
        patient = sic.patient
        visit = patient.sics.filter(status=SicStatus.HELD).count()
        writers: list[tuple[str, User]] = [
            (KIND_OF_TEAM_ROLE[m.role], m.professional.user)
            for m in Membership.objects.active()
            .filter(team__patient=patient, role__in=KIND_OF_TEAM_ROLE)
            .select_related("professional__user")
            if m.professional.user is not None
        ]
        writers.append((ContributionKind.PATIENT_EXPERIENCE, patient.user or self.coordinator))
        for kind, user in writers:
            if kind not in kinds:
                continue
            submit = kind not in drafts
            contribution = contribution_save(
                contribution=contribution_for(sic=sic, kind=kind, user=user),
                by=user,
                content=data.content(kind, patient.pathway, visit, submitted_on),
                submit=submit,
            )
            if submit:  # submitted before the SIC, not today
                backdate(contribution, submitted_at=at(submitted_on, 9))

    def hold(self, patient: Patient, day: datetime.date, *, contributions: bool) -> Sic:
        sic = self.schedule(patient, day)
        if contributions:
            self.contribute(sic, kinds=set(ContributionKind.values), submitted_on=day - 3 * DAY)
        for attendance in sic.attendances.all():
            attendance.answer(attending=True)
        # Held on `day`: the next SIC becomes due six months after it.
        return sic_hold(
            sic=sic,
            by=self.coordinator,
            held_at=at(day),
            minutes=data.MINUTES,
            patient_present=True,
            caregiver_present=True,
            present_memberships=sic.attendances.values_list("membership_id", flat=True),
            decisions=data.DECISIONS,
        )

    def sic_due(self, patient: Patient, inclusion: datetime.date) -> None:
        """The first SIC, planned at the inclusion, is due (overdue for some)."""

    def sic_held(self, patient: Patient, inclusion: datetime.date) -> None:
        self.hold(patient, inclusion + 40 * DAY, contributions=True)

    def sic_held_twice(self, patient: Patient, inclusion: datetime.date) -> None:
        self.hold(patient, inclusion + 40 * DAY, contributions=True)
        self.hold(patient, inclusion + 225 * DAY, contributions=True)

    def sic_held_thrice(self, patient: Patient, inclusion: datetime.date) -> None:
        self.hold(patient, inclusion + 40 * DAY, contributions=True)
        self.hold(patient, inclusion + 222 * DAY, contributions=True)
        self.hold(patient, min(inclusion + 405 * DAY, self.today - 8 * DAY), contributions=True)

    def sic_exited(self, patient: Patient, inclusion: datetime.date) -> None:
        self.hold(patient, inclusion + 40 * DAY, contributions=False)

    def sic_followed(self, patient: Patient, inclusion: datetime.date) -> None:
        self.hold(patient, inclusion + 38 * DAY, contributions=True)
        upcoming = self.schedule(patient, self.today + 12 * DAY)
        self.contribute(
            upcoming,
            kinds={
                ContributionKind.GP_SUMMARY,
                ContributionKind.NURSING_ASSESSMENT,
                ContributionKind.MEDICATION_REVIEW,
            },
            submitted_on=self.today - DAY,
            drafts={ContributionKind.MEDICATION_REVIEW},
        )

    def sic_cancelled(self, patient: Patient, inclusion: datetime.date) -> None:
        self.hold(patient, inclusion + 45 * DAY, contributions=True)
        sic_cancel(sic=self.schedule(patient, self.today - 10 * DAY), reason=data.CANCEL_REASON)

    def sic_to_record(self, patient: Patient, inclusion: datetime.date) -> None:
        self.schedule(patient, self.today - 3 * DAY)

    # --- care plans -----------------------------------------------------------------------

    @staticmethod
    def account(patient: Patient) -> User:
        """The login of a demo patient who answers their plan online."""
        if patient.user is None:
            raise CommandError(f"The demo patient {patient.initials} has no account.")
        return patient.user

    def first_held(self, patient: Patient) -> Sic:
        return patient.sics.filter(held_at__isnull=False).order_by("held_at")[0]

    def write_plan(
        self,
        patient: Patient,
        *,
        sic: Sic | None = None,
        actions: list = data.ACTIONS,
        goals: list[str] = data.GOALS,
        base: datetime.date,
    ) -> CarePlan:
        """A version written as on the plan page: goals, then actions (due `days` after
        `base`, a recurring one from `base`), skipping those of a role the team lacks. A new
        version keeps the previous one's goals and open actions: those the new list drops are
        removed."""
        plan = careplan_start(patient=patient, by=self.coordinator, sic=sic)
        present_goals = {goal.text for goal in plan.goals.all()}
        for text in goals:
            if text not in present_goals:
                careplan_add_goal(plan=plan, text=text)
        wanted = {what for what, *_ in actions}
        for action in plan.actions.all():
            if action.what not in wanted:
                careplan_remove(plan=plan, item=action)
        present = set(plan.actions.values_list("what", flat=True))
        members = {m.role: m for m in Membership.objects.active().filter(team__patient=patient)}
        for what, who, when, days in actions:
            if what in present or (new := demo_action(what, who, when, members)) is None:
                continue
            if days is not None:
                new.due_date = base + days * DAY
            if what in data.FROM_DIRECTORY:
                new.care_provider = self.provider(data.FROM_DIRECTORY[what])
                new.provider = new.care_provider.label
            if what in data.RECURRING:  # its rhythm says how often, from `base`
                new.repeat_every, new.repeat_unit = data.RECURRING[what]
                new.due_date, new.when = new.due_date or base, ""
            careplan_add_action(plan=plan, action=new)
        return plan

    def follow_recurring(self, plan: CarePlan) -> None:
        """Each recurring action of a plan in force done every time before the current one,
        by who carries it, on the day it was due."""
        for action in plan.actions.filter(repeat_every__isnull=False).select_related(
            "membership__professional__user"
        ):
            member = action.membership.professional.user if action.membership else None
            ActionOccurrence.objects.bulk_create(
                ActionOccurrence(
                    action=action,
                    due_on=action.occurrence(index),
                    done_at=at(action.occurrence(index), 18),
                    done_by=member or self.coordinator,
                )
                for index in range(action.occurrence_index(self.today))
            )

    def propose(self, plan: CarePlan, day: datetime.date) -> None:
        careplan_propose(plan=plan, by=self.coordinator)  # the patient's side is told
        backdate(plan, proposed_at=at(day, 11))  # proposed on `day`, not today

    def validate(
        self, plan: CarePlan, day: datetime.date, *, by: User, method: str, scan: Any = None
    ) -> None:
        careplan_validation_record(plan=plan, by=by, method=method, scan=scan)
        backdate(plan, validated_at=at(day, 11))  # validated on `day`, not today

    def validated(self, patient: Patient, *, method: str, proposed: int, validated: int) -> None:
        sic = self.first_held(patient)
        held = timezone.localtime(sic.held_at).date()
        plan = self.write_plan(patient, sic=sic, base=held)
        self.propose(plan, held + proposed * DAY)
        scan = self.signed_sheet(patient, plan) if method == ValidationMethod.PAPER else None
        self.validate(plan, held + validated * DAY, by=self.coordinator, method=method, scan=scan)
        self.follow_recurring(plan)

    def plan_phone(self, patient: Patient) -> None:
        self.validated(patient, method=ValidationMethod.PHONE, proposed=2, validated=9)

    def plan_paper(self, patient: Patient) -> None:
        self.validated(patient, method=ValidationMethod.PAPER, proposed=2, validated=9)

    def plan_late_action(self, patient: Patient) -> None:
        sic = self.first_held(patient)
        held = timezone.localtime(sic.held_at).date()
        plan = self.write_plan(patient, sic=sic, actions=data.LATE_ACTIONS, base=self.today)
        self.propose(plan, held + 2 * DAY)
        self.validate(plan, held + 5 * DAY, by=self.coordinator, method=ValidationMethod.PHONE)

    def plan_revised(self, patient: Patient) -> None:
        sic = self.first_held(patient)
        held = timezone.localtime(sic.held_at).date()
        v1 = self.write_plan(patient, sic=sic, base=held)
        self.propose(v1, held + 3 * DAY)
        self.validate(v1, held + 6 * DAY, by=self.account(patient), method=ValidationMethod.ONLINE)
        for action in v1.actions.filter(owner=Owner.MEMBER, membership__role="pharmacist"):
            action.set_status(ActionStatus.DONE)
            backdate(action, done_at=at(held + 20 * DAY, 11))  # done back then
        v2 = self.write_plan(patient, actions=data.REVISED_ACTIONS, base=self.today)
        self.propose(v2, self.today - 8 * DAY)
        # He asked for a change; the coordinator answered and proposed v2 again, which waits.
        self.ask_changes(v2, self.today - 6 * DAY, comment=data.REVISED_COMMENT)
        careplan_changes_answer(
            plan=v2, by=self.coordinator, answer=data.REVISED_ANSWER, propose=True
        )
        backdate(v2, changes_answered_at=at(self.today - 2 * DAY, 15))
        backdate(v2, proposed_at=at(self.today - 2 * DAY, 15))

    def ask_changes(self, plan: CarePlan, day: datetime.date, *, comment: str) -> None:
        patient = plan.patient
        careplan_changes_request(plan=plan, by=self.account(patient), comment=comment)
        backdate(plan, changes_requested_at=at(day, 11))  # asked on `day`, not today

    def plan_changes_requested(self, patient: Patient) -> None:
        plan = self.write_plan(patient, sic=self.first_held(patient), base=self.today)
        self.propose(plan, self.today - 6 * DAY)
        # Asked two days ago: the coordinator's answer is awaited (her bell and dashboard).
        self.ask_changes(plan, self.today - 2 * DAY, comment=data.CHANGES_COMMENT)

    def plan_proposed(self, patient: Patient) -> None:
        plan = self.write_plan(patient, sic=self.first_held(patient), base=self.today)
        self.propose(plan, self.today - 16 * DAY)

    def plan_draft(self, patient: Patient) -> None:
        """A draft whose goals come from the patient's experience form, as the plan page
        offers them; the rest of the patient's words stay offered."""
        plan = self.write_plan(patient, sic=self.first_held(patient), goals=[], base=self.today)
        for text in patient_goals(plan, [])[: data.GOALS_FROM_PATIENT]:
            careplan_add_goal(plan=plan, text=text)

    # --- indemnities -----------------------------------------------------------------------

    def indemnities(self) -> None:
        """Rates set once the first SICs were held, their work accrued; the liberal
        professionals' bank details; the lines of the months before this one approved and paid
        in one batch (with its SEPA file); this month's lines wait for the admin's approval."""
        ensure_default_kinds(IndemnityKind)
        for code, amount, profession in data.INDEMNITY_RATES:
            rate = IndemnityRate(
                kind=IndemnityKind.objects.get(code=code),
                profession=profession,
                amount=Decimal(amount),
                valid_from=data.INDEMNITY_RATES_FROM,
            )
            rate.full_clean()  # what the admin's form checks
            rate.save()
        accrue_missing()
        liberal = [p for p in self.pros.values() if p.practice_mode == PracticeMode.LIBERAL]
        for pro, iban in zip(liberal, data.DEMO_IBANS, strict=False):
            bank_account_save(
                professional=pro,
                holder=f"{pro.first_name} {pro.last_name}",
                iban=iban,
                bic="",
                by=self.admin,
            )
        month_start = self.today.replace(day=1)
        last_month_end = month_start - DAY
        lines_approve(lines=IndemnityLine.objects.filter(worked_on__lt=month_start), by=self.admin)
        batch = batch_build(
            period_start=data.INDEMNITY_RATES_FROM,
            period_end=last_month_end,
            execution_date=self.today - 5 * DAY,
            by=self.admin,
        )
        backdate(batch, created_at=at(self.today - 6 * DAY))  # built last week
        batch.refresh_from_db()
        batch_mark_paid(
            batch=batch,
            paid_on=self.today - 3 * DAY,
            bank_reference=f"VIR-{batch.reference}",
            by=self.admin,
        )
        team_constitution = IndemnityKind.objects.get(code="team_constitution")
        item_add(
            professional=self.pros["medecin"],
            kind=team_constitution,
            worked_on=self.today,
            why="Constitution d’une nouvelle équipe de soins",
            by=self.admin,
        )

    # --- specialist opinions ------------------------------------------------------------

    def opinion(self, spec: data.Opinion) -> None:
        patient = Patient.objects.get(last_name=spec.patient)
        asker = self.pros[spec.asked_by].user
        if asker is None:
            raise CommandError(f"The demo asker {spec.asked_by} has no account.")
        opinion = opinion_ask(
            patient=patient,
            by=asker,
            specialist=self.pros[spec.specialist],
            question=spec.question,
            urgency=spec.urgency,
            attachments=[self.lab_results(patient)],
        )
        asked = at(self.today - spec.days_ago * DAY, 10)
        due = asked + Urgency(spec.urgency).delay
        backdate(opinion, asked_at=asked, due_at=due)
        opinion.refresh_from_db()
        if not spec.answer:
            return
        specialist = self.pros[spec.specialist].user
        assert specialist is not None  # noqa: S101 — OPINIONS asks specialists with an account
        opinion = opinion_answer(request=opinion, by=specialist, answer=spec.answer)
        answered = asked + spec.answered_after_hours * HOUR
        backdate(opinion, answered_at=answered)
        if spec.pinned:
            opinion = opinion_pin(request=opinion, by=asker)
            backdate(opinion, answer_pinned_at=answered + 2 * HOUR)

    @staticmethod
    def lab_results(patient: Patient) -> ContentFile:
        """A one-page PDF standing for the attached lab results (initials only)."""
        html = (
            f"<h1>Bilan biologique</h1><p>Patient : {patient.initials}</p><p>Ionogramme, DFG.</p>"
        )
        return ContentFile(HTML(string=html).write_pdf(), name="bilan.pdf")

    # --- budget ----------------------------------------------------------------------------

    def budget_rates(self) -> None:
        for pathway, amount in data.BUDGET_RATES:
            rate = BudgetRate(
                pathway=pathway, amount=Decimal(amount), valid_from=data.BUDGET_RATES_FROM
            )
            rate.full_clean()  # what the admin's form checks
            rate.save()

    def provider(self, key: str) -> CareProvider:
        if key == "association":
            name, siret, city = data.APA_ASSOCIATION
            provider, _ = CareProvider.objects.get_or_create(
                siret=siret, defaults={"kind": ProviderKind.ASSOCIATION, "name": name, "city": city}
            )
            return provider
        provider, _ = CareProvider.objects.get_or_create(
            professional=self.pros[key], defaults={"kind": ProviderKind.PROFESSIONAL}
        )
        return provider

    def supplementary_care(self, care: data.Care) -> None:
        patient = Patient.objects.get(last_name=care.patient)
        prescriber = self.pros[care.prescriber].user if care.prescriber else None
        request = supplementary_care_request(
            patient=patient,
            prescriber=prescriber or self.coordinator,
            # The default categories come with the migrations; the admin may have removed one.
            category=BudgetCategory.objects.get_or_create(name=care.category)[0],
            provider=self.provider(care.provider),
            sessions=care.sessions,
            unit_price=Decimal(care.unit_price),
            action=self.served(patient, care.action) if care.action else None,
        )
        backdate(request, requested_at=at(self.today - care.days_ago * DAY, 11))
        if not care.decided:
            return
        request = supplementary_care_approve(request=request, by=self.coordinator)
        backdate(request, decided_at=at(self.today - (care.days_ago - 2) * DAY, 16))
        unit = Decimal(care.unit_price)
        for number, sessions in enumerate(care.done):
            day = self.today - (care.days_ago - 10 * (number + 1)) * DAY
            invoice = self.invoice(patient, day) if care.invoice and number == 0 else None
            expense = expense_record(
                request=request,
                by=self.coordinator,
                sessions=sessions,
                date=day,
                amount=unit * sessions,
                invoice=invoice,
            )
            backdate(expense, recorded_at=at(day, 17))
            if number < care.paid:
                expense_mark_paid(
                    expense=expense,
                    by=self.admin,
                    paid_on=day + 5 * DAY,
                    reference=f"VIR-{day:%Y%m%d}-{expense.pk:04d}",
                )

    @staticmethod
    def served(patient: Patient, what: str) -> Action:
        """The action of the patient's latest plan that a prescription serves."""
        action = (
            Action.objects.filter(plan__patient=patient, what=what)
            .exclude(plan__status=PlanStatus.SUPERSEDED)
            .order_by("-plan__version")
            .first()
        )
        if action is None:
            raise CommandError(f"No action « {what} » in the plans of {patient.initials}.")
        return action

    @staticmethod
    def invoice(patient: Patient, day: datetime.date) -> ContentFile:
        """A one-page PDF standing for the provider's invoice (initials only)."""
        html = (
            f"<h1>Facture</h1><p>Patient : {patient.initials}</p><p>Séances du {day:%d/%m/%Y}</p>"
        )
        return ContentFile(HTML(string=html).write_pdf(), name="facture.pdf")

    @staticmethod
    def signed_sheet(patient: Patient, plan: CarePlan) -> ContentFile:
        """A one-page PDF standing for the sheet the patient signed on paper (initials only)."""
        html = (
            f"<h1>Plan de soins personnalisé — version {plan.version}</h1>"
            f"<p>Patient : {patient.initials}</p><p>Lu et approuvé. Signature : ✍</p>"
        )
        return ContentFile(HTML(string=html).write_pdf(), name="feuille-signee.pdf")
