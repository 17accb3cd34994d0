"""Pages of the reminders: the bell's notifications, the preferences, and the coordinator's
reminder history of a patient with the form to send one by hand."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest, posted
from labparcours.models import User
from labparcours.permissions import can_manage_patients, can_see_programme, require
from patients.models import Patient
from patients.selectors import access_patient, visible_patients
from reminders import registry
from reminders.manual import Topic, manual_recipients, reminder_send_manual
from reminders.models import Channel, Notification, NotificationPreference
from reminders.sending import Message, message_for

PAGE_SIZE = 25


class PreferencesForm(forms.Form):
    """One choice of channel per kind of reminder the user may receive."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        chosen = [kind for kind in registry.kinds_for(user.role) if kind.by_email]
        self.kinds = [kind.key for kind in chosen]
        # Under the bell without a choice: their e-mail is sent otherwise (an invitation).
        self.in_app_only = [kind for kind in registry.kinds_for(user.role) if not kind.by_email]
        current = NotificationPreference.objects.channels([user.pk])
        for kind in chosen:
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=current.get((user.pk, kind.key), Channel.EMAIL),
            )

    def save(self) -> None:
        for kind in self.kinds:
            NotificationPreference.objects.update_or_create(
                user=self.user, kind=kind, defaults={"channel": self.cleaned_data[kind]}
            )


class ManualReminderForm(forms.Form):
    """Whom to remind and about what; no free text, so no health detail leaves by e-mail."""

    recipient = forms.TypedChoiceField(label=gettext_lazy("Whom"), coerce=int)
    topic = forms.ChoiceField(label=gettext_lazy("About"), choices=Topic.CHOICES)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipients = manual_recipients(patient)
        self.recipients = {user.pk: user for user, _label in recipients}
        cast(forms.ChoiceField, self.fields["recipient"]).choices = [
            (user.pk, f"{user.get_full_name() or user.email} — {label}")
            for user, label in recipients
        ]

    def clean_recipient(self) -> User:
        return self.recipients[self.cleaned_data["recipient"]]


def _named(request: AuthenticatedHttpRequest, notifications: QuerySet[Notification]) -> QuerySet:
    """Whether each notification may name its patient: the bell is behind the login, and the
    reader has the patient in their scope now (a member who left the team reads initials)."""
    return notifications.select_related("reminder__patient").annotate(
        named=Exists(visible_patients(request.user).filter(pk=OuterRef("reminder__patient_id")))
    )


def _is_named(notification: Notification) -> bool:
    return bool(getattr(notification, "named", False))  # annotated by `_named`


def _message(notification: Notification) -> Message:
    patient = notification.reminder.patient
    return message_for(notification.reminder, name=str(patient) if _is_named(notification) else "")


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bell: one's own notifications, the unread first in time order, naming the
    patients in the reader's scope (those reads are logged)."""
    notifications = _named(request, Notification.objects.filter(user=request.user))
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(n, _message(n)) for n in page]
    log_access(request, {n.reminder.patient for n in page if _is_named(n)}, "notifications")
    return render(request, "reminders/notification_list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark one's notification as read; "open" also goes to the page to act on."""
    notification = get_object_or_404(
        _named(request, Notification.objects.filter(user=request.user)), pk=pk
    )
    Notification.objects.filter(pk=notification.pk).mark_read()
    link = notification.reminder.link
    if "open" in request.POST and link.startswith("/") and not link.startswith("//"):
        return redirect(link)
    if request.htmx:
        notification.refresh_from_db(fields=["read_at"])
        if _is_named(notification):
            log_access(request, notification.reminder.patient, "notifications")
        context = {"notification": notification, "message": _message(notification)}
        return render(request, "reminders/notification_list.html#row", context)
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = Notification.objects.filter(user=request.user).mark_read()
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications")


@login_required
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choices are saved."))
        return redirect("notification_preferences")
    return render(request, "reminders/notification_preferences.html", {"form": form})


def _access_reminders(request: AuthenticatedHttpRequest, pk: str) -> Patient:
    """Only programme staff read a patient's reminders: others get 404 outside their scope
    and 403 inside it, without a read in the access log."""
    if not can_see_programme(request.user):
        get_object_or_404(visible_patients(request.user), pk=pk)
        raise PermissionDenied
    return access_patient(request, pk, what="reminders")


@login_required
def patient_reminders(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    """The reminder history of one patient, and the form to send one by hand."""
    patient = _access_reminders(request, pk)
    reminders = patient.reminders.select_related("recipient", "created_by", "notification")
    page = Paginator(reminders, 50).get_page(request.GET.get("page"))
    for reminder in page:
        reminder.patient = patient  # message_for reads the initials without a query
    rows = [(reminder, message_for(reminder)) for reminder in page]
    can_send = can_manage_patients(request.user)
    context = {
        "patient": patient,
        "page": page,
        "rows": rows,
        "form": ManualReminderForm(patient=patient) if can_send else None,
    }
    return render(request, "reminders/reminder_list.html", context)


@login_required
@require_POST
def reminder_send(request: AuthenticatedHttpRequest, pk: str) -> HttpResponse:
    patient = _access_reminders(request, pk)
    require(can_manage_patients(request.user))
    form = ManualReminderForm(request.POST, patient=patient)
    if not form.is_valid():
        messages.error(request, _("Choose whom to remind and about what."))
        return redirect("patient_reminders", pk=patient.pk)
    with transaction.atomic():
        reminder = reminder_send_manual(
            patient=patient,
            recipient=form.cleaned_data["recipient"],
            topic=form.cleaned_data["topic"],
            by=request.user,
        )
    messages.success(
        request,
        _("The reminder to %(name)s is on its way.")
        % {"name": reminder.recipient.get_full_name() or reminder.recipient.email},
    )
    return redirect("patient_reminders", pk=patient.pk)
