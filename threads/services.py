"""Writes to threads: post, correct, pin, read. Each checks the role (the caller fetched the
thread or message through the scope), writes, and tells people through `threads.reminders`
in the same transaction."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labparcours.errors import DomainError
from labparcours.models import User
from labparcours.permissions import require
from labparcours.uploads import check_upload
from threads import reminders, rules
from threads.models import (
    Attachment,
    Mention,
    Message,
    MessageRevision,
    ReadReceipt,
    Thread,
)

# The longest side of a thumbnail, in pixels: sharp on a phone's screen at 2×, small to send.
THUMBNAIL_SIZE = 640
MAX_TEXT = 10_000


def make_thumbnail(file: IO[bytes]) -> tuple[bytes, int, int]:
    """A JPEG re-encoded from the image, within THUMBNAIL_SIZE: no byte of the original (nor
    its metadata: place, device) reaches a page."""
    from PIL import Image, ImageOps

    file.seek(0)
    with Image.open(file) as original:
        try:
            image = ImageOps.exif_transpose(original) or original
        except Exception:  # a broken orientation tag: the picture as stored
            image = original
        image = image.convert("RGB")
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=82, optimize=True)
    file.seek(0)
    return out.getvalue(), image.width, image.height


def attachment_add(*, message: Message, file: Any) -> Attachment:
    """Store a file for the message, checked again by the one validator whatever the door."""
    checked = check_upload(file)
    attachment = Attachment(message=message, content_type=checked.content_type, size=file.size)
    attachment.file.save(f"attachment.{checked.extension}", file, save=False)
    if checked.content_type.startswith("image/"):
        data, width, height = make_thumbnail(file)
        attachment.thumbnail.save("thumbnail.jpg", ContentFile(data), save=False)
        attachment.thumbnail_width, attachment.thumbnail_height = width, height
    attachment.save()
    return attachment


def mentionable(thread: Thread) -> list[User]:
    """Who may be named with « @ »: the professionals told about the thread."""
    return list(
        User.objects.filter(pk__in=reminders.professionals_of(thread), is_active=True)
        .select_related("professional")
        .order_by("last_name", "first_name")
    )


def mentioned_in(text: str, candidates: Iterable[User]) -> list[User]:
    """The candidates named « @First Last » in the text (case and spacing aside)."""
    found = []
    for user in candidates:
        name = user.get_full_name().strip()
        if not name:
            continue
        words = r"\s+".join(re.escape(word) for word in name.split())
        if re.search(rf"@{words}(?!\w)", text, flags=re.IGNORECASE):
            found.append(user)
    return found


def _clean_text(text: str, *, has_files: bool) -> str:
    text = text.strip()
    if not text and not has_files:
        raise DomainError(_("Write a message or attach a file."), code="empty_message")
    if len(text) > MAX_TEXT:
        raise DomainError(
            _("A message holds at most %(n)s characters.") % {"n": MAX_TEXT}, code="too_long"
        )
    return text


def _receipt_move(thread: Thread, user: User, last_id: int) -> bool:
    """Move the reader's receipt forward to `last_id` (never back); whether it moved."""
    now = timezone.now()
    moved = ReadReceipt.objects.filter(thread=thread, user=user, last_read_id__lt=last_id).update(
        last_read_id=last_id, read_at=now
    )
    if moved:
        return True
    _receipt, created = ReadReceipt.objects.get_or_create(
        thread=thread, user=user, defaults={"last_read_id": last_id, "read_at": now}
    )
    return created


@transaction.atomic
def message_post(*, thread: Thread, author: User, text: str, files: Sequence[Any] = ()) -> Message:
    """A new message, its files and mentions; the other participants are told."""
    require(rules.can_post(author))
    if not rules.is_open(thread):
        raise DomainError(
            _(
                "This patient has left the programme: their thread is kept and can be read, "
                "but no longer written to."
            ),
            code="thread_closed",
        )
    text = _clean_text(text, has_files=bool(files))
    message = Message.objects.create(thread=thread, author=author, text=text)
    for file in files:
        attachment_add(message=message, file=file)
    named = [u for u in mentioned_in(text, mentionable(thread)) if u.pk != author.pk]
    Mention.objects.bulk_create([Mention(message=message, user=user) for user in named])
    if rules.takes_part(author):
        _receipt_move(thread, author, message.pk)
    reminders.message_posted(message, mentioned=named)
    return message


@transaction.atomic
def message_edit(*, message: Message, by: User, text: str) -> Message:
    """Correct a message within 15 minutes of sending it: the previous text is kept, the
    message is marked corrected; members newly named are told."""
    require(rules.can_edit(by, message))
    if not message.may_still_be_edited():
        raise DomainError(
            _("A message can only be corrected within 15 minutes of being sent."),
            code="edit_window_closed",
        )
    text = _clean_text(text, has_files=message.attachments.exists())
    if text == message.text:
        return message
    now = timezone.now()
    MessageRevision.objects.create(message=message, text=message.text, replaced_at=now)
    message.text = text
    message.edited_at = now
    message.save(update_fields=["text", "edited_at"])
    already = set(message.mentions.values_list("user_id", flat=True))
    named = [
        u
        for u in mentioned_in(text, mentionable(message.thread))
        if u.pk != by.pk and u.pk not in already
    ]
    Mention.objects.bulk_create([Mention(message=message, user=user) for user in named])
    reminders.mentions_notify(message, [u.pk for u in named])
    return message


def message_pin(*, message: Message, by: User) -> Message:
    """« À discuter en SIC »: the message shows on the next SIC's preparation page."""
    require(rules.can_pin(by))
    if message.pinned_at is None:
        message.pinned_at = timezone.now()
        message.pinned_by = by
        message.save(update_fields=["pinned_at", "pinned_by"])
    return message


def message_unpin(*, message: Message, by: User) -> Message:
    require(rules.can_pin(by))
    if message.pinned_at is not None:
        message.pinned_at = None
        message.pinned_by = None
        message.save(update_fields=["pinned_at", "pinned_by"])
    return message


@transaction.atomic
def thread_mark_read(*, thread: Thread, user: User, up_to: int | None) -> bool:
    """The reader has read the thread up to the message `up_to` (its latest shown): the
    receipt moves forward and their notices about the thread are resolved. Whether it moved.
    Programme management reads without taking part: nothing is recorded for them."""
    if up_to is None or not rules.takes_part(user):
        return False
    last = (
        thread.messages.filter(pk__lte=up_to).order_by("-pk").values_list("pk", flat=True).first()
    )
    if last is None or not _receipt_move(thread, user, last):
        return False
    reminders.thread_read(thread, user)
    return True
