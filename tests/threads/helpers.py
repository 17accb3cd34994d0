"""What the thread tests share: posting as someone, a long thread, and files stored for the
test."""

from __future__ import annotations

from django.core.files.base import ContentFile

from labparcours.models import User
from patients.models import Patient
from tests.conftest import World
from tests.uploads import ACCEPTED, upload
from threads.models import Attachment, Audience, Mention, Message
from threads.selectors import thread_of
from threads.services import make_thumbnail, message_post


def post(
    patient: Patient,
    author: User,
    text: str = "Bonjour à tous",
    *,
    audience: str = Audience.TEAM,
    files: tuple = (),
) -> Message:
    return message_post(
        thread=thread_of(patient, audience), author=author, text=text, files=list(files)
    )


def photo():
    return upload(*ACCEPTED["png"])


def pdf():
    return upload(*ACCEPTED["pdf"])


def placeholder(message: Message) -> Attachment:
    """An attachment row without its bytes (a module's shared world is built before the test
    that gives it its upload folder): `store` writes them."""
    return Attachment.objects.create(
        message=message,
        file="threads/files/placeholder.png",
        content_type="image/png",
        size=10,
        thumbnail="threads/thumbnails/placeholder.jpg",
    )


def store(attachment: Attachment) -> None:
    """Write the attachment's photo and thumbnail in this test's upload folder."""
    file = photo()
    data, width, height = make_thumbnail(file)
    attachment.file.save("photo.png", file, save=False)
    attachment.thumbnail.save("thumbnail.jpg", ContentFile(data), save=False)
    attachment.save()


def fill(world: World, n: int) -> None:
    """n messages in the own patient's team thread, from two authors, some with a photo and
    a mention."""
    thread = thread_of(world.own, Audience.TEAM)
    authors = [world.nurse, world.pharmacist]
    rows = Message.objects.bulk_create(
        [Message(thread=thread, author=authors[i % 2], text=f"Message {i}") for i in range(n)]
    )
    for message in rows[-3:]:
        placeholder(message)
        Mention.objects.create(message=message, user=world.gp)
