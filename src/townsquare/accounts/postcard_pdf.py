"""Render a batch of verification postcards as one printable PDF (reportlab).

One 6 x 4 inch page per resident: the mailing address, the code in large type, a QR
code that opens the verification page with the code filled in, and the expiry date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

PAGE = (6 * inch, 4 * inch)


@dataclass(frozen=True)
class Card:
    name: str
    mailing_lines: list[str]
    neighborhood: str
    city: str
    code: str
    link: str
    expires: dt.date


def render(cards: list[Card], path: Path) -> None:
    """Write the PDF to `path` atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pdf = canvas.Canvas(str(tmp), pagesize=PAGE, pageCompression=1)
    pdf.setTitle("townsquare verification postcards")
    for card in cards:
        _page(pdf, card)
        pdf.showPage()
    pdf.save()
    tmp.replace(path)


def _page(pdf: canvas.Canvas, card: Card) -> None:
    width, height = PAGE
    margin = 0.3 * inch
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(margin, height - margin - 10, f"townsquare · {card.city}")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(margin, height - margin - 26,
                   _("Welcome to %(neighborhood)s!") % {"neighborhood": card.neighborhood})
    text = pdf.beginText(margin, height - margin - 50)
    text.setFont("Helvetica", 11)
    for line in [card.name, *card.mailing_lines]:
        text.textLine(line)
    pdf.drawText(text)

    pdf.setFont("Helvetica", 10)
    pdf.drawString(margin, 1.45 * inch, _("Your verification code:"))
    pdf.setFont("Courier-Bold", 26)
    pdf.drawString(margin, 1.05 * inch, card.code)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(margin, 0.75 * inch, _("Sign in and enter it, or scan the QR code."))
    pdf.drawString(margin, 0.6 * inch, _("Valid until %(date)s. Use it once.")
                   % {"date": f"{card.expires:%B %d, %Y}"})
    pdf.drawString(margin, 0.45 * inch, card.link)

    size = 1.5 * inch
    widget = QrCodeWidget(card.link)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, width - margin - size, margin)
