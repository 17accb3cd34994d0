"""The composer of a thread and the correction of a message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from labparcours.uploads import UploadField
from threads.services import MAX_TEXT


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Write to the team…")}),
    )
    # A phone offers its camera or its photos for `image/*`: a picture in two taps.
    photo = UploadField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    document = UploadField(
        label=_("PDF document"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args: Any, placeholder: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if placeholder:
            self.fields["text"].widget.attrs["placeholder"] = placeholder

    def files_to_attach(self) -> list[Any]:
        return [f for f in (self.cleaned_data.get("photo"), self.cleaned_data.get("document")) if f]


class EditForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
