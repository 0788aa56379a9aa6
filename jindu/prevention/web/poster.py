"""The printable survey poster: a QR code of the township's answer link, as PNG and PDF,
made by the app itself (segno for the code, Pillow and reportlab for the page; nothing
fetched from elsewhere)."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.conf import settings

# Debian's Noto CJK (fonts-noto-cjk); settings.POSTER_FONT overrides. Without a CJK font the
# PNG carries the QR code and the link only; the PDF uses reportlab's built-in CID font.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def _font_path() -> str | None:
    configured = getattr(settings, "POSTER_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def qr_png(url: str, scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def poster_png(*, title: str, township: str, url: str, lines: list[str]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    width, height = 1240, 1754  # A4 at 150 dpi
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    path = _font_path()

    def font(size):
        return ImageFont.truetype(path, size) if path else ImageFont.load_default()

    y = 120
    if path:
        for text, size in ((title, 64), (township, 56)):
            box = draw.textbbox((0, 0), text, font=font(size))
            draw.text(((width - (box[2] - box[0])) / 2, y), text, fill="black", font=font(size))
            y += size + 50
    code = Image.open(io.BytesIO(qr_png(url, scale=16))).convert("RGB")
    side = min(760, code.width)
    code = code.resize((side, side), Image.NEAREST)
    page.paste(code, ((width - side) // 2, y + 20))
    y += side + 80
    if path:
        for text in lines:
            box = draw.textbbox((0, 0), text, font=font(36))
            draw.text(((width - (box[2] - box[0])) / 2, y), text, fill="black", font=font(36))
            y += 60
    small = font(24)
    box = draw.textbbox((0, 0), url, font=small)
    draw.text(((width - (box[2] - box[0])) / 2, height - 120), url, fill="black", font=small)
    out = io.BytesIO()
    page.save(out, format="PNG", optimize=True)
    return out.getvalue()


def poster_pdf(*, title: str, township: str, url: str, lines: list[str]) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    pdf.setTitle(f"{title} · {township}")
    pdf.setFont("STSong-Light", 26)
    pdf.drawCentredString(width / 2, height - 40 * mm, title)
    pdf.setFont("STSong-Light", 22)
    pdf.drawCentredString(width / 2, height - 55 * mm, township)
    # The QR code as vector shapes: sharp at any print size.
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    side = 120 * mm
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, (width - side) / 2, height - 70 * mm - side)
    pdf.setFont("STSong-Light", 14)
    y = height - 85 * mm - side
    for text in lines:
        pdf.drawCentredString(width / 2, y, text)
        y -= 9 * mm
    pdf.setFont("Helvetica", 8)
    pdf.drawCentredString(width / 2, 20 * mm, url)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
