"""PDFs from HTML (WeasyPrint), the same way for every document of the project.

What a document does not own is built once per thread rather than once per PDF: the font
configuration (fontconfig's list of the system's fonts and Pango's font map, about a fifth of
a care plan's rendering when built anew). It holds fonts, never a document's content; the
HTML, and with it every patient's data, is parsed again for each PDF. Per thread, because
Pango's font map must not be used by two threads at once. The templates declare no
`@font-face`: a document cannot add fonts to what the next one finds.
"""

from __future__ import annotations

import threading

from django.conf import settings
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

_local = threading.local()


def font_config() -> FontConfiguration:
    """This thread's font configuration, built at its first PDF."""
    fonts = getattr(_local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = FontConfiguration()
    return fonts


def html_to_pdf(html: str) -> bytes:
    """The PDF of `html`; its relative links are read from the project's directory."""
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=font_config())
