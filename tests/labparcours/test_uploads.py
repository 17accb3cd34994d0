"""The one check of every uploaded file (labparcours.uploads.check_upload)."""

from __future__ import annotations

import re
import struct

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from labparcours.uploads import CheckedUpload, check_upload, clean_upload
from tests.uploads import ACCEPTED, REFUSED, _pdf, image_bytes, pdf_bytes, png_of_size, upload


def code_of(content: bytes, name: str = "scan.pdf") -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content, "application/pdf"))
    return refused.value.code


def with_unlisted_object(pdf: bytes, obj: bytes) -> bytes:
    """`pdf` with one more object that its cross-reference table does not list."""
    at = pdf.rindex(b"\nxref\n") + 1
    start = int(re.search(rb"startxref\s+(\d+)", pdf).group(1))
    tail = pdf[at:].replace(b"startxref\n%d" % start, b"startxref\n%d" % (start + len(obj)))
    return pdf[:at] + obj + tail


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_it_refuses_the_corpus(case: str) -> None:
    with pytest.raises(ValidationError):
        check_upload(upload(*REFUSED[case]))


@pytest.mark.parametrize("kind", sorted(ACCEPTED))
def test_it_tells_the_type_from_the_bytes_whatever_the_name_and_claimed_type(kind: str) -> None:
    _, content, content_type = ACCEPTED[kind]
    checked = check_upload(upload("facture.exe", content, "text/html"))
    assert checked == CheckedUpload(
        content_type=content_type, extension={"jpeg": "jpg"}.get(kind, kind)
    )


def test_it_renames_the_file_and_gives_the_sniffed_type() -> None:
    file = clean_upload(upload("Lambert Marcel.pdf", image_bytes("PNG"), "application/pdf"))
    assert re.fullmatch(r"[0-9a-f]{32}\.png", file.name)
    assert file.content_type == "image/png"


def test_the_size_limit_is_a_setting(settings) -> None:
    assert settings.LABPARCOURS_UPLOAD_MAX_BYTES == 10 * 1024 * 1024
    settings.LABPARCOURS_UPLOAD_MAX_BYTES = len(pdf_bytes()) - 1
    assert code_of(pdf_bytes()) == "too_large"
    settings.LABPARCOURS_UPLOAD_MAX_BYTES = len(pdf_bytes())
    assert check_upload(upload("a.pdf", pdf_bytes(), "")).extension == "pdf"


def test_it_refuses_a_script_hidden_from_a_byte_scan() -> None:
    """Comments make a naive byte scan skip the script; the parser still reads it."""
    pdf = REFUSED["pdf with a script on opening"][1]
    hidden = pdf.replace(b"/Producer (pypdf)", b"%stream\n/P (pdfx)").replace(
        b"/MediaBox [ 0.0 0.0 595 842 ]", b"%endstream\n/MediaBox[0 0 9 9]"
    )
    assert len(hidden) == len(pdf)
    assert code_of(hidden) == "active_content"


def test_it_refuses_a_script_in_an_object_the_table_does_not_list() -> None:
    """A lenient viewer rebuilding a broken table would find it: the byte scan does."""
    pdf = with_unlisted_object(
        pdf_bytes(), b"99 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"
    )
    assert code_of(pdf) == "active_content"


def test_it_refuses_names_written_with_escapes() -> None:
    pdf = REFUSED["pdf with a script on opening"][1]
    escaped = pdf.replace(b"/JS ", b"/J#53 ").replace(b"/JavaScript", b"/J#61vaScript")
    assert b"/JS " not in escaped
    assert code_of(escaped) == "active_content"


@pytest.mark.parametrize("name", [b"/AA", b"/Launch", b"/RichMedia", b"/XFA"])
def test_it_refuses_other_active_names(name: bytes) -> None:
    pdf = with_unlisted_object(pdf_bytes(), b"99 0 obj\n<< " + name + b" [] >>\nendobj\n")
    assert code_of(pdf) == "active_content"


def test_words_inside_the_page_content_are_not_active_content() -> None:
    """Stream bodies (page text, image data) are not PDF syntax: no false alarm from them."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf (/JS /JavaScript /AA /Launch) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    assert check_upload(upload("a.pdf", _pdf(writer), "")).extension == "pdf"


def test_it_refuses_a_damaged_image() -> None:
    png = image_bytes("PNG")
    assert code_of(png[:40] + b"\x00" * 60, "a.png") == "unreadable"


@pytest.mark.parametrize(("width", "height"), [(30000, 30000), (12000, 12000), (8000, 5001)])
def test_it_refuses_a_png_of_too_many_pixels(width: int, height: int) -> None:
    """A decompression bomb: a few kilobytes that would take gigabytes once decoded."""
    assert code_of(png_of_size(width, height), "a.png") == "too_many_pixels"


def test_it_refuses_a_jpeg_that_declares_too_many_pixels() -> None:
    jpeg = image_bytes("JPEG")
    size_at = jpeg.index(b"\xff\xc0") + 5  # the frame header: height, then width
    bomb = jpeg[:size_at] + struct.pack(">HH", 60000, 60000) + jpeg[size_at + 4 :]
    assert code_of(bomb, "a.jpg") == "too_many_pixels"


def test_an_image_of_as_many_pixels_as_allowed_passes() -> None:
    assert check_upload(upload("a.png", png_of_size(8000, 5000), "")).extension == "png"


def test_it_refuses_a_password_protected_pdf() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    assert code_of(_pdf(writer)) == "unreadable"
