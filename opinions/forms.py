"""The page forms of specialist opinions: they check what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from labparcours.uploads import ACCEPTED, UploadField
from opinions.models import Urgency
from opinions.services import MAX_ATTACHMENTS
from teams.models import Professional


class SpecialistChoiceField(forms.ModelChoiceField):
    """A specialist as the asker knows them: name, specialty, where; the team's marked."""

    def label_from_instance(self, obj: Any) -> str:
        where = f", {obj.city}" if obj.city else ""
        team = f" — {gettext('care team')}" if getattr(obj, "in_team", 0) else ""
        return f"{obj} ({obj.get_profession_display()}{where}){team}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(UploadField):
    """Several files chosen at once, each through the one upload validator."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED)}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                gettext("At most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}
            )
        return [super(AttachmentsField, self).clean(f, initial) for f in files]


class AskForm(forms.Form):
    """« Demander un avis »: to whom, what, how soon, with which documents."""

    specialist = SpecialistChoiceField(
        label=_("Specialist"),
        queryset=Professional.objects.none(),
        help_text=_(
            "A specialist of the patient's team, or any specialist of the directory who has an "
            "account in Lab Parcours. A specialist outside the team reads only this question, "
            "its attachments and the patient's identity, until the request is closed."
        ),
    )
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_("The clinical question and what the specialist needs to answer it."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.WITHIN_7_DAYS,
        widget=forms.RadioSelect,
    )
    attachments = AttachmentsField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 5 files, PDF, JPEG or PNG: a letter, a lab result, an ECG…"),
    )

    def __init__(self, *args: Any, specialists: QuerySet[Professional], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["specialist"]
        field.queryset = specialists


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 8}), max_length=8000
    )
