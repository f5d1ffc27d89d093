"""Printable invitation letters (PDF, Japanese): one page per customer with the link and
a QR code of it, for customers written to by post.

The Japanese text uses reportlab's built-in CID font (HeiseiKakuGo-W5), which every PDF
reader with Japanese support shows without the font being embedded; surveys does not
reach into reviews for its embedded font."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import override

from institutions.fiscal_years import format_action_date
from institutions.models import Institution

from .models import Survey
from .services.invitations import IssuedLink

FONT_NAME = "HeiseiKakuGo-W5"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT_NAME))


def letters_pdf(survey: Survey, institution: Institution, issued: Sequence[IssuedLink]) -> bytes:
    """One A4 page per issued link: the addressee, what the survey is, the link, a QR code."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    _register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"survey letters FY{survey.fiscal_year} {institution.code}")
    height = A4[1]
    with override("ja"):
        for link in issued:
            contact = link.contact
            y = height - 30 * mm
            pdf.setFont(FONT_NAME, 11)
            for line in (contact.company, f"{contact.person} 様", ""):
                pdf.drawString(25 * mm, y, line)
                y -= 7 * mm
            pdf.setFont(FONT_NAME, 15)
            pdf.drawString(
                25 * mm, y, _("Customer survey about %(tlo)s") % {"tlo": institution.name_ja}
            )
            y -= 12 * mm
            pdf.setFont(FONT_NAME, 10.5)
            for line in (
                _("The Ministry of Education, Culture, Sports, Science and Technology and the"),
                _("Ministry of Economy, Trade and Industry ask the customers of this TLO"),
                _("about their experience in fiscal year %(year)s.") % {"year": survey.fiscal_year},
                _("Please answer by %(date)s through the link or the QR code below.")
                % {"date": format_action_date(survey.closes_on)},
                _("The link works once, for you only. Your answers are used only in aggregate"),
                _("and are never shown to the TLO individually."),
            ):
                pdf.drawString(25 * mm, y, line)
                y -= 6.5 * mm
            y -= 6 * mm
            pdf.setFont("Courier", 8.5)
            pdf.drawString(25 * mm, y, link.url)
            widget = QrCodeWidget(link.url)
            left, bottom, right, top = widget.getBounds()
            size = 50 * mm
            drawing = Drawing(
                size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
            )
            drawing.add(widget)
            renderPDF.draw(drawing, pdf, 25 * mm, y - size - 8 * mm)
            pdf.showPage()
        if not issued:
            pdf.setFont(FONT_NAME, 12)
            pdf.drawString(25 * mm, height - 30 * mm, _("Every customer of this TLO has answered."))
            pdf.showPage()
    pdf.save()
    return buffer.getvalue()
