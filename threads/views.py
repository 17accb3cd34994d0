"""The thread pages: the team thread and the thread with the patient for the professionals,
« Messages » for the patient's side; posting, polling for new messages, older pages on
scroll, correcting, pinning for the SIC, and the attachments (thumbnail, download)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest, attempt, posted, safe_next
from labparcours.permissions import is_patient_side, require
from labparcours.uploads import serve_upload
from patients.rules import has_own_record
from threads import rules
from threads.forms import EditForm, MessageForm
from threads.models import AUDIENCE_SLUGS, EDIT_WINDOW, Audience, Message, Thread
from threads.selectors import (
    READ_WHAT,
    Unread,
    access_attachment,
    access_message,
    access_thread,
    audience_of,
    mark_readers,
    message_page,
    messages_after,
    messages_up_to,
    own_thread,
    receipts_key,
    receipts_of,
    unread_counts,
)
from threads.services import (
    mentionable,
    message_edit,
    message_pin,
    message_post,
    message_unpin,
    thread_mark_read,
)

PAGE = "threads/thread.html"


def thread_url(thread: Thread, *, patient_side: bool) -> str:
    if patient_side:
        return reverse("threads:mine")
    return reverse("threads:thread", args=[thread.patient_id, thread.slug])


def _key(request: AuthenticatedHttpRequest, name: str) -> int:
    """A message id given as a query parameter (`apres`, `avant`); 404 when it is not one."""
    value = request.GET.get(name, "")
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def _key_if_given(request: AuthenticatedHttpRequest, name: str) -> int | None:
    """`_key` for a parameter a page may lack: None."""
    return _key(request, name) if name in request.GET else None


def _bubbles_context(request: AuthenticatedHttpRequest, thread: Thread) -> dict[str, Any]:
    """What every bubble of the thread needs, whichever view renders it."""
    user = request.user
    return {
        "thread": thread,
        "patient": thread.patient,
        "can_pin": rules.can_pin(user),
        "patient_side": is_patient_side(user),
        # A message is still correctable when sent after this moment.
        "edit_since": timezone.now() - EDIT_WINDOW,
        "poll_url": reverse("threads:poll", args=[thread.patient_id, thread.slug]),
        "older_url": reverse("threads:older", args=[thread.patient_id, thread.slug]),
    }


def _tabs(thread: Thread, unread: Unread) -> list[dict[str, Any]]:
    return [
        {
            "label": Audience(audience).label,
            "url": reverse("threads:thread", args=[thread.patient_id, slug]),
            "current": audience == thread.audience,
            "unread": unread.of(audience),
        }
        for audience, slug in AUDIENCE_SLUGS.items()
    ]


def _render_thread(
    request: AuthenticatedHttpRequest, thread: Thread, *, form: MessageForm | None = None
) -> HttpResponse:
    """The newest page of the thread, read: the reader's receipt moves to its last message."""
    user = request.user
    page = message_page(thread)
    thread_mark_read(thread=thread, user=user, up_to=page.last_id)
    receipts = receipts_of(thread, shown_to=user)
    mark_readers(page.messages, receipts)
    patient_side = is_patient_side(user)
    can_post = rules.can_post(user) and rules.is_open(thread)
    unread = unread_counts(user, [thread.patient_id]).get(thread.patient_id, Unread())
    if form is None:
        placeholder = (
            _("Write to your care team…")
            if patient_side
            else (
                _("Write to the team…")
                if thread.audience == Audience.TEAM
                else _("Write to the patient and the team…")
            )
        )
        form = MessageForm(placeholder=placeholder)
    context = _bubbles_context(request, thread) | {
        "page": page,
        "poll_after": page.last_id or 0,
        "poll_receipts": receipts_key(receipts),
        "form": form,
        "can_post": can_post,
        "closed": not rules.is_open(thread),
        "tabs": [] if patient_side else _tabs(thread, unread),
        "mentionable": (
            [u for u in mentionable(thread) if u.pk != user.pk]
            if can_post and not patient_side
            else []
        ),
        "post_url": reverse("threads:post", args=[thread.patient_id, thread.slug]),
    }
    return render(request, PAGE, context, status=400 if form.is_bound else 200)


@login_required
def thread_page(request: AuthenticatedHttpRequest, pk: str, audience: str) -> HttpResponse:
    """A patient's thread, newest messages first in view, the composer under them."""
    kind = audience_of(audience)
    if is_patient_side(request.user) and kind == Audience.PATIENT:
        access_thread(request, pk, kind, log=False)
        return redirect("threads:mine")
    return _render_thread(request, access_thread(request, pk, kind))


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Messages »: the patient's side writes to the care team."""
    require(has_own_record(request.user))
    return _render_thread(request, own_thread(request))


@login_required
@require_POST
def post(request: AuthenticatedHttpRequest, pk: str, audience: str) -> HttpResponse:
    thread = access_thread(request, pk, audience_of(audience))
    require(rules.can_post(request.user))
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid() and attempt(
        request,
        lambda: message_post(
            thread=thread,
            author=request.user,
            text=form.cleaned_data["text"],
            files=form.files_to_attach(),
        ),
        form=form,
    ):
        return redirect(thread_url(thread, patient_side=is_patient_side(request.user)) + "#bas")
    return _render_thread(request, thread, form=form)


@login_required
def poll(request: AuthenticatedHttpRequest, pk: str, audience: str) -> HttpResponse:
    """The messages posted since the last one shown (`apres`), and the « Lu par » of the
    page's newest messages once another reader's receipt has moved since the page last showed
    them (`lus`, the `receipts_key` it was given; the poller's own receipt is not in it, as
    their name is not shown); htmx, every few seconds. Only the last page of messages
    (`messages_up_to`) is marked again, so that a poll costs the same whatever the thread: an
    earlier page loaded by scrolling up keeps its marks until the next reload.

    Whatever it shows is a read of the thread, logged as the page's is: new messages, or only
    read marks (who read which message of the patient's thread). When neither changed it
    answers 204: nothing was shown, nothing was read, and no read is written (a poll every few
    seconds would otherwise fill the patient's access log); htmx keeps the page."""
    after = _key(request, "apres")
    shown_key = _key_if_given(request, "lus")
    kind = audience_of(audience)
    thread = access_thread(request, pk, kind, log=False)
    new = messages_after(thread, after)
    if new:
        thread_mark_read(thread=thread, user=request.user, up_to=new[-1].pk)
    receipts = receipts_of(thread, shown_to=request.user)
    key = receipts_key(receipts)
    # A page without the key (loaded before it was added) asks for new messages only.
    if not new and shown_key in (None, key):
        return HttpResponse(status=204)
    log_access(request, thread.patient, READ_WHAT[Audience(kind)])
    shown = messages_up_to(thread, after)
    mark_readers([*shown, *new], receipts)
    context = _bubbles_context(request, thread) | {
        "messages": new,
        "shown": shown,
        "poll_after": new[-1].pk if new else after,
        "poll_receipts": key,
    }
    return render(request, f"{PAGE}#poll", context)


@login_required
def older(request: AuthenticatedHttpRequest, pk: str, audience: str) -> HttpResponse:
    """The page of messages before `avant` (loaded when the reader scrolls up)."""
    before = _key(request, "avant")
    thread = access_thread(request, pk, audience_of(audience))
    page = message_page(thread, before=before)
    receipts = [r for r in receipts_of(thread, shown_to=request.user) if r.last_read_id < before]
    mark_readers(page.messages, receipts)
    context = _bubbles_context(request, thread) | {"page": page}
    if not request.htmx:
        context["standalone"] = True
        return render(request, "threads/older.html", context)
    return render(request, f"{PAGE}#older", context)


# --- One message ---------------------------------------------------------------------------------


def _back(request: AuthenticatedHttpRequest, message: Message) -> str:
    return thread_url(message.thread, patient_side=is_patient_side(request.user))


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct one's message within 15 minutes; the previous text stays in its history."""
    message = access_message(request, pk, what="thread message")
    require(rules.can_edit(request.user, message))
    form = EditForm(posted(request), initial={"text": message.text})
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: message_edit(message=message, by=request.user, text=form.cleaned_data["text"]),
            form=form,
            success=_("The message has been corrected."),
        )
    ):
        return redirect(f"{_back(request, message)}#message-{message.pk}")
    context = {"message": message, "form": form, "back": _back(request, message)}
    return render(
        request, "threads/message_edit.html", context, status=400 if form.is_bound else 200
    )


@login_required
def history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The texts a corrected message had, oldest first, then its text now."""
    message = access_message(request, pk, what="thread message history")
    context = {
        "message": message,
        "revisions": list(message.revisions.order_by("replaced_at", "pk")),
        "back": _back(request, message),
    }
    return render(request, "threads/message_history.html", context)


@login_required
@require_POST
def pin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Pin the message for the next SIC (« À discuter en SIC »), or unpin it."""
    message = access_message(request, pk, what="thread message")
    require(rules.can_pin(request.user))
    if request.POST.get("pin") == "0":
        message_unpin(message=message, by=request.user)
    else:
        message_pin(message=message, by=request.user)
    return redirect(safe_next(request, f"{_back(request, message)}#message-{message.pk}"))


# --- Attachments ---------------------------------------------------------------------------------


@login_required
def download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The original file, only ever as a download."""
    attachment = access_attachment(request, pk, what="thread attachment")
    return serve_upload(attachment.file, filename=f"piece-jointe-{attachment.pk}")


@login_required
def thumbnail(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The thumbnail re-encoded from a photo: the one image of a thread shown in a page."""
    attachment = access_attachment(request, pk, what="thread attachment")
    return serve_upload(attachment.thumbnail, filename=f"apercu-{attachment.pk}", inline=True)
