"""Files to upload in tests: real small PDF, JPEG and PNG, and a corpus of files that must be
refused, each named like a file that would be accepted."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def _pdf(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pdf_bytes() -> bytes:
    return _pdf(_blank_writer())


def image_bytes(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format=image_format)
    return out.getvalue()


def png_of_size(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of width × height pixels, at most a few hundred kilobytes
    however many pixels it declares (a decompression bomb), written row by row: the test
    never holds the image itself in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = bytes(1 + (width + 7) // 8)  # filter byte, then 1 bit per pixel
    compressor = zlib.compressobj(9)
    rows = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def pdf_with_script_on_open() -> bytes:
    writer = _blank_writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello')"),
        }
    )
    return _pdf(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _blank_writer()
    writer.add_attachment("notes.exe", b"MZ\x90\x00 not really a program")
    return _pdf(writer)


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 46 + b"PE\x00\x00" * 8
HTML = b"<!doctype html><html><body><script>fetch('/api/v1/patients/')</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)

# name: (file name sent, bytes, content type the client claims)
REFUSED = {
    "elf executable": ("scan.pdf", ELF, "application/pdf"),
    "pe executable": ("scan.pdf", PE, "application/pdf"),
    "html as png": ("scan.png", HTML, "image/png"),
    "svg with script as jpg": ("scan.jpg", SVG, "image/jpeg"),
    "pdf with a script on opening": ("scan.pdf", pdf_with_script_on_open(), "application/pdf"),
    "pdf with an embedded file": ("scan.pdf", pdf_with_embedded_file(), "application/pdf"),
    "pdf that cannot be parsed": ("scan.pdf", b"%PDF-1.4\n%garbage only", "application/pdf"),
    "empty file": ("scan.pdf", b"", "application/pdf"),
}
ACCEPTED = {
    "pdf": ("signature.pdf", pdf_bytes(), "application/pdf"),
    "png": ("photo.png", image_bytes("PNG"), "image/png"),
    "jpeg": ("photo.jpg", image_bytes("JPEG"), "image/jpeg"),
}


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def signed_sheet() -> SimpleUploadedFile:
    return upload(*ACCEPTED["pdf"])
