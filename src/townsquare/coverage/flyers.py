"""Printable invitation flyers (reportlab): one US Letter page per neighborhood that has not
launched yet, for leads and operators to post and hand out (docs/coverage.md).

Each page names the neighborhood, says how many verified neighbors it has and how many
more it needs to open, and carries the sign-up address as text and as a QR code. The
document's outline has one entry per neighborhood, so a printer's dialog can jump to one.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

from townsquare.core.errors import NotFound
from townsquare.coverage import selectors
from townsquare.places.models import City

MARGIN = 0.9 * inch
QR_SIZE = 2.6 * inch
WRAP = 62  # characters per line of the body text at 14 pt


@dataclass(frozen=True)
class Flyer:
    neighborhood: str
    city: str
    verified: int
    needed: int


def render(flyers: Sequence[Flyer], signup_url: str) -> bytes:
    """The PDF, one page per flyer."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=LETTER, pageCompression=1)
    pdf.setTitle(_("townsquare invitation flyers"))
    pdf.setCreator("townsquare")
    for number, flyer in enumerate(flyers):
        key = f"flyer-{number}"
        pdf.bookmarkPage(key)
        pdf.addOutlineEntry(flyer.neighborhood, key, level=0)
        _page(pdf, flyer, signup_url)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _page(pdf: canvas.Canvas, flyer: Flyer, signup_url: str) -> None:
    width, height = LETTER
    y = height - MARGIN
    pdf.setFont("Helvetica", 16)
    pdf.drawString(MARGIN, y - 16, _("Neighbors of"))
    y -= 62
    _fitted(pdf, flyer.neighborhood, "Helvetica-Bold", 40, MARGIN, y, width - 2 * MARGIN)
    pdf.setFont("Helvetica", 16)
    y -= 26
    pdf.drawString(MARGIN, y, flyer.city)

    y -= 56
    pdf.setFont("Helvetica-Bold", 22)
    for line in textwrap.wrap(_("Your neighborhood is almost on townsquare."), 40):
        pdf.drawString(MARGIN, y, line)
        y -= 28
    y -= 10
    pdf.setFont("Helvetica", 14)
    for line in _body(flyer):
        pdf.drawString(MARGIN, y, line)
        y -= 20

    size = QR_SIZE
    widget = QrCodeWidget(signup_url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    qr_y = MARGIN + 60
    renderPDF.draw(drawing, pdf, MARGIN, qr_y)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(MARGIN + size + 24, qr_y + size - 40, _("Join at"))
    _fitted(pdf, signup_url, "Helvetica", 14, MARGIN + size + 24, qr_y + size - 62,
            width - MARGIN - (MARGIN + size + 24))
    pdf.setFont("Helvetica", 11)
    for index, line in enumerate(textwrap.wrap(
            _("Or scan the code with your phone's camera."), 36)):
        pdf.drawString(MARGIN + size + 24, qr_y + size - 90 - 15 * index, line)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(MARGIN, MARGIN, _("townsquare is run for the neighbors of %(city)s. Members "
                                     "are verified at their home address.")
                   % {"city": flyer.city})


def _fitted(pdf: canvas.Canvas, text: str, font: str, size: float, x: float, y: float,
            room: float) -> None:
    """Draw `text` at the largest size up to `size` that fits in `room` points."""
    fits = room / max(pdf.stringWidth(text, font, size), 1.0)
    pdf.setFont(font, size * min(1.0, fits))
    pdf.drawString(x, y, text)


def _body(flyer: Flyer) -> list[str]:
    if flyer.verified:
        have = ngettext(
            "%(count)s neighbor in %(neighborhood)s is already verified.",
            "%(count)s neighbors in %(neighborhood)s are already verified.",
            flyer.verified) % {"count": flyer.verified, "neighborhood": flyer.neighborhood}
    else:
        have = _("No one in %(neighborhood)s is verified yet: be the first.") % {
            "neighborhood": flyer.neighborhood}
    need = ngettext(
        "With %(count)s more, the neighborhood opens: a private place to share news, lost "
        "pets, safety alerts and help with the people who live next to you.",
        "With %(count)s more, the neighborhood opens: a private place to share news, lost "
        "pets, safety alerts and help with the people who live next to you.",
        flyer.needed) % {"count": flyer.needed}
    return [*textwrap.wrap(have, WRAP), "", *textwrap.wrap(need, WRAP)]


def for_city(user: Any, city: City, neighborhood: str | None = None) -> bytes:
    """The flyers of every neighborhood of the city that has not launched, or of the one
    named (by slug); NotFound for an unknown or launched one. Operators only."""
    coverage = selectors.recruiting(user, city)
    items = coverage.not_launched
    if neighborhood is not None:
        items = [item for item in items if item.slug == neighborhood]
        if not items:
            raise NotFound(_("No neighborhood of %(city)s by that name is waiting to launch.")
                           % {"city": city.name})
    if not items:
        raise NotFound(_("Every neighborhood of %(city)s has launched: no flyers to print.")
                       % {"city": city.name})
    signup = settings.SITE_URL + reverse("web:signup")
    return render([Flyer(item.name, city.name, item.verified_members, item.members_needed)
                   for item in items], signup)
