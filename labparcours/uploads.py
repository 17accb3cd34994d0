"""Every file a user uploads (scanned sheets today; attachments and invoices tomorrow).

One check for all of them, whatever the door (page form or API): the content is sniffed from
the bytes, never trusted from the name or the client's content type; only PDF, JPEG and PNG
pass, within a size limit and, for an image, a number of pixels (a few kilobytes can declare
billions); a PDF that could run something (script, automatic action, embedded file) is
refused. Accepted files are stored under a generated name in a private storage that has no
URL, and are read back only through `serve_upload`, after the caller's access scope, with
the read written to the access log.
"""

from __future__ import annotations

import os
import re
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any, cast

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from rest_framework import serializers

if TYPE_CHECKING:
    pass

# The only kinds of file accepted, by sniffed content type, with the extension they are stored
# and served under.
ACCEPTED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_UNKNOWN = ("application/octet-stream", "bin")
# The most pixels an image may have. A PNG or JPEG of a few kilobytes can declare billions (a
# decompression bomb), and a photo's thumbnail decodes all of them, at 4 bytes each, twice:
# this bounds that to about half a gigabyte, well below Pillow's own limit. An A4 page
# scanned at 600 dpi (35 million) or a phone's photo at its usual setting (12 million) passes.
MAX_IMAGE_PIXELS = 40_000_000
_HEAD = 8192

# PDF names that run something or carry another file: scripts (/JS, /JavaScript), actions run
# without a click (/AA; an /OpenAction that is a script shows /S /JavaScript), programs and
# attachments (/Launch, /EmbeddedFiles, /EmbeddedFile, /FileAttachment, /GoToE), Flash and
# video (/RichMedia), XFA forms (scripted). A signed sheet needs none of them.
ACTIVE_PDF_NAMES = frozenset(
    {
        "JS",
        "JavaScript",
        "AA",
        "Launch",
        "EmbeddedFiles",
        "EmbeddedFile",
        "FileAttachment",
        "GoToE",
        "RichMedia",
        "XFA",
    }
)
# Stream bodies (page content, image data) are not PDF syntax; outside them, a name is "/"
# then regular characters, "#xx" escaping any byte.
_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_RAW_NAME = re.compile(rb"/((?:[^\x00\t\n\x0c\r ()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class CheckedUpload:
    """What the content of an accepted file is, whatever its name said."""

    content_type: str
    extension: str


def max_upload_bytes() -> int:
    return settings.LABPARCOURS_UPLOAD_MAX_BYTES


def sniff(head: bytes) -> tuple[str, str]:
    """(content type, extension) of the first bytes of a file; octet-stream when not accepted."""
    kind = filetype.guess(head) if head else None
    if kind is None or kind.mime not in ACCEPTED:
        return _UNKNOWN
    return kind.mime, ACCEPTED[kind.mime]


def check_upload(file: IO[bytes]) -> CheckedUpload:
    """The one validator of uploaded files: a ValidationError in the user's language, else
    the sniffed content type and the extension the file is stored and served under."""
    size = _size_of(file)
    if not size:
        raise ValidationError(_("This file is empty."), code="empty")
    if size > max_upload_bytes():
        raise ValidationError(
            _("This file is too large (%(max)s at most).")
            % {"max": filesizeformat(max_upload_bytes())},
            code="too_large",
        )
    file.seek(0)
    content_type, extension = sniff(file.read(_HEAD))
    if content_type not in ACCEPTED:
        raise ValidationError(_("This file is not a PDF, a JPEG or a PNG."), code="type")
    file.seek(0)
    if content_type == "application/pdf":
        _check_pdf(file)
    else:
        _check_image(file, _PILLOW_FORMATS[content_type])
    file.seek(0)
    return CheckedUpload(content_type=content_type, extension=extension)


def clean_upload(file: Any) -> Any:
    """Check an uploaded file, then rename it: a generated name with the sniffed extension,
    the sniffed content type. Nothing of the client's name or type survives."""
    checked = check_upload(file)
    file.name = f"{uuid.uuid4().hex}.{checked.extension}"
    file.content_type = checked.content_type
    return file


def _size_of(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    return size


def _check_pdf(file: IO[bytes]) -> None:
    if ACTIVE_PDF_NAMES.intersection(_raw_names(file.read())):
        raise _active_content()
    file.seek(0)
    names = _pdf_names(file)
    if names is None:
        raise ValidationError(
            _("This PDF cannot be read: it may be damaged or protected by a password."),
            code="unreadable",
        )
    if ACTIVE_PDF_NAMES & names:
        raise _active_content()


def _pdf_names(file: IO[bytes]) -> set[str] | None:
    """The names used in the PDF, or None when it cannot be parsed."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(file)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        names = set(_parsed_names(reader))
        pages = len(reader.pages)
    except Exception:
        # Hostile bytes make a parser fail in any way it can (pypdf's own errors, but also
        # KeyError, struct.error, zlib.error…): each is a refusal, never a server error.
        return None
    return names if pages else None


def _active_content() -> ValidationError:
    return ValidationError(
        _(
            "This PDF contains active content (script, automatic action or embedded file): "
            "print it and scan it again, or save it again as a plain PDF."
        ),
        code="active_content",
    )


def _raw_names(data: bytes) -> Iterator[str]:
    """Names written in the file outside its streams, "#xx" escapes decoded.

    The parser below reads what a viewer reads through the cross-reference table; this also
    catches objects that the table does not list but that a lenient viewer would recover."""
    for match in _RAW_NAME.finditer(_STREAM_BODY.sub(b" ", data)):
        raw = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        yield raw.decode("latin-1")


def _parsed_names(reader: Any) -> Iterator[str]:
    """Every name used as a key or a value in every object of the PDF: those reachable from
    the trailer and every object listed in the cross-reference tables and object streams."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    pending: list[Any] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        pending.extend(IndirectObject(number, generation, reader) for number in numbers)
    pending.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, NameObject):
            yield obj.removeprefix("/")
        elif isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                yield str(key).removeprefix("/")
                pending.append(value)
        elif isinstance(obj, ArrayObject):
            pending.extend(obj)


def _check_image(file: IO[bytes], expected_format: str) -> None:
    """Read the image's header and check its chunks, never decoding its pixels."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Pillow only warns up to twice its own limit: a refusal here, whatever the filters.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format, (width, height) = image.format, image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except Exception as exc:  # As for PDFs: any failure of the decoder is a refusal.
        raise ValidationError(
            _("This image cannot be read: it may be damaged."), code="unreadable"
        ) from exc
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels()
    if image_format != expected_format:
        raise ValidationError(_("This file is not a PDF, a JPEG or a PNG."), code="type")


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "This image has too many pixels (%(max)s million at most): "
            "send it at a lower resolution."
        )
        % {"max": MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


class UploadField(forms.FileField):
    """A page form's file field: the one check, then the generated name."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty_file", True)  # check_upload says it in its own words
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        return clean_upload(file) if file and not isinstance(file, FieldFile) else file


class UploadSerializerField(serializers.FileField):
    """The API's file field: the same check as the pages, a 400 {"field": ["…"]} otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        file = super().to_internal_value(data)
        try:
            return clean_upload(file)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


@deconstructible(path="labparcours.uploads.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files in PRIVATE_MEDIA_ROOT, readable by the owner only, and without any URL."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    # Read at each use (not cached), so that tests and deployments can move it.
    @property
    def base_location(self) -> str:
        # The stubs omit FileSystemStorage's private `_location` (the `location` argument).
        return str(self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT))  # type: ignore[attr-defined]

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("A private upload has no URL: serve it with serve_upload().")


def private_storage() -> PrivateStorage:
    """The storage of every upload field (a callable, so migrations name it, not its path)."""
    return cast(PrivateStorage, storages["private"])  # settings.STORAGES["private"]


@deconstructible(path="labparcours.uploads.GeneratedName")
class GeneratedName:
    """`upload_to` of an upload field: folder/year/<random>.<extension>.

    The extension is the one `clean_upload` gave from the content; the rest of the client's
    name is dropped."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: object, filename: str) -> str:
        extension = PurePath(filename).suffix.lstrip(".").lower()
        if extension not in ACCEPTED.values():
            extension = _UNKNOWN[1]
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GeneratedName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def _open_stored(fieldfile: FieldFile) -> IO[bytes]:
    # Files uploaded before the private storage existed are still in the default storage,
    # under their old name; they are served the same way.
    if not fieldfile.name:
        raise Http404
    for storage in (fieldfile.storage, storages["default"]):
        try:
            return storage.open(fieldfile.name, "rb")
        except FileNotFoundError:
            continue
    raise Http404


def serve_upload(fieldfile: FieldFile, *, filename: str, inline: bool = False) -> FileResponse:
    """Answer an uploaded file as a download, to a caller the access scope has admitted.

    The caller fetched the object through its app's access function (a selector's `access_*`
    on pages, `get_object` in the API), which logged the read. The type is sniffed again from
    the bytes (a file stored by an older version is answered as octet-stream unless it is an
    accepted kind); `filename` is a generated stem, the extension follows the content. Never
    cached. Never rendered inline, except `inline` for an image the server wrote itself (a
    thumbnail re-encoded from a photo): never what a user sent."""
    if not fieldfile:
        raise Http404
    stored = _open_stored(fieldfile)
    content_type, extension = sniff(stored.read(_HEAD))
    stored.seek(0)
    response = FileResponse(
        stored,
        as_attachment=not (inline and content_type.startswith("image/")),
        filename=f"{filename}.{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
