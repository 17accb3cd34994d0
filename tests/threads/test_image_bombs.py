"""A photo that is tiny on disk but declares a huge number of pixels (a decompression bomb) is
refused when it is sent, on the page and in the API, before anything decodes it: no
thumbnail, no gigabytes allocated, nothing stored."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from PIL import ImageFile

from tests.conftest import World, client_for
from tests.uploads import png_of_size, upload
from threads.models import Attachment, Message

TOO_MANY_PIXELS = "Cette image a trop de pixels (40 millions au plus)"
# Beyond Pillow's own limit (an error when opened), within it (a mere warning), and just over
# ours.
BOMBS = {"30000x30000": (30000, 30000), "12000x12000": (12000, 12000), "8000x5001": (8000, 5001)}


@contextmanager
def nothing_decoded() -> Iterator[None]:
    """Decoding an image's pixels fails the test: a bomb must be refused from its header."""
    refusal = AssertionError("the image was decoded")
    with mock.patch.object(ImageFile.ImageFile, "load", side_effect=refusal):
        yield


def stored_files() -> list[Path]:
    roots = (Path(django_settings.PRIVATE_MEDIA_ROOT), Path(django_settings.MEDIA_ROOT))
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


def bomb(size: str):
    return upload("photo.png", png_of_size(*BOMBS[size]), "image/png")


@pytest.mark.parametrize("size", sorted(BOMBS))
def test_it_refuses_a_photo_of_too_many_pixels_on_the_page(world: World, size: str) -> None:
    url = f"/patients/{world.own.pk}/fil/equipe/ecrire/"
    with nothing_decoded():
        answer = client_for(world.nurse).post(url, {"text": "voir photo", "photo": bomb(size)})
    assert answer.status_code == 400
    assert TOO_MANY_PIXELS in html.unescape(answer.content.decode())
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("size", sorted(BOMBS))
def test_it_refuses_a_photo_of_too_many_pixels_in_the_api(world: World, size: str) -> None:
    url = f"/api/v1/patients/{world.own.pk}/thread/messages/"
    with nothing_decoded():
        answer = client_for(world.nurse).post(url, {"text": "x", "attachments": [bomb(size)]})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert list(errors) == ["attachments"]
    assert TOO_MANY_PIXELS in json.dumps(errors, ensure_ascii=False)
    assert not Message.objects.exists()
    assert stored_files() == []
