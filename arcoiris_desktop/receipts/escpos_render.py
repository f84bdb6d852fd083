"""A receipt as ESC/POS bytes, built with python-escpos on a ``Dummy`` printer.

The bytes are the lines of :func:`~arcoiris_desktop.receipts.layout.receipt_layout`,
printed as they are (the layout already did the centring and alignment), after an
optional logo, followed by the receipt code as a CODE128 barcode with its
human-readable text and a partial cut. Rendering never talks to a printer; the
:mod:`~arcoiris_desktop.receipts.printers` send the bytes.

**Code page.** python-escpos's "magic" encoding picks a code page per character and
switches whenever the next character needs another, so one receipt could hop between
several tables. The renderer instead fixes one table for the whole receipt right after
``ESC @`` (which resets the printer's table to 0): PC858, Latin-1 plus the euro sign,
which Epson-compatible printers keep at slot 19 (escpos looks the slot up in the
printer profile). A profile without PC858 gets WPC1252. A character outside the table
prints as ``?``. The same receipt therefore always gives the same bytes.

python-escpos is imported on first use: importing it parses its printer database,
creates a temporary folder and calls ``logging.basicConfig()``, none of which the
rest of the terminal should pay for by importing this module.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from arcoiris_desktop.receipts.layout import LayoutLine, LineStyle, receipt_layout
from arcoiris_desktop.receipts.model import Receipt

__all__ = [
    "CODE_PAGES",
    "dots_for_width",
    "drawer_kick_bytes",
    "render_escpos",
    "render_escpos_lines",
]

logger = logging.getLogger(__name__)

CODE_PAGES = ("CP858", "CP1252")
"""The code pages the receipt text may be printed in, in order of preference."""

_DOTS_PER_COLUMN = 12  # font A is 12 dots wide on every common 58 and 80 mm printer
_BARCODE_HEIGHT = 60  # dots: about 7.5 mm at 203 dpi, easy for a hand scanner
_BARCODE_MODULE = 2  # dots per narrowest bar; ESC/POS accepts 2 to 6


def dots_for_width(width: int) -> int:
    """The printable width in dots of a receipt ``width`` columns wide (font A)."""
    return width * _DOTS_PER_COLUMN


def render_escpos(
    receipt: Receipt,
    *,
    width: int = 42,
    logo: Path | None = None,
    profile: str | None = None,
) -> bytes:
    """The ESC/POS job that prints ``receipt``: deterministic for the same arguments.

    ``width`` is the number of font-A columns of the paper (32 on 58 mm, 42 or 48 on
    80 mm); ``logo`` an image printed centred at the top, scaled down to the paper
    (an unreadable logo is logged and left out: the receipt still prints);
    ``profile`` a python-escpos printer profile name (its default otherwise).
    """
    return render_escpos_lines(
        receipt_layout(receipt, width=width),
        width=width,
        logo=logo,
        profile=profile,
        barcode=receipt.receipt_code,
    )


def render_escpos_lines(
    lines: Sequence[LayoutLine],
    *,
    width: int = 42,
    logo: Path | None = None,
    profile: str | None = None,
    barcode: str | None = None,
) -> bytes:
    """Laid-out lines (a receipt, a shift report) as one ESC/POS job: the logo, the
    lines with their styles, the barcode if one is given, a partial cut."""
    printer = _dummy(profile, dots_for_width(width))
    printer.hw("INIT")
    # After ESC @, which resets the printer's code page, never before.
    printer.charcode(_code_page(printer))
    if logo is not None:
        image = _logo_image(logo, dots_for_width(width))
        if image is not None:
            printer.image(image, impl="bitImageRaster", center=True)
    style: LineStyle = "normal"
    for line in lines:
        if line.style != style:
            _set_style(printer, line.style)
            style = line.style
        printer.text(line.text + "\n")
    if style != "normal":
        _set_style(printer, "normal")
    if barcode is not None:
        _barcode(printer, barcode, dots_for_width(width))
    printer.cut(mode="PART")
    return bytes(printer.output)


def drawer_kick_bytes() -> bytes:
    """ESC p: the pulse on connector pin 2 that opens a cash drawer wired to the printer."""
    from escpos.printer import Dummy

    printer = Dummy()
    printer.cashdraw(2)
    return bytes(printer.output)


def _dummy(profile: str | None, dots: int) -> Any:
    from escpos.printer import Dummy

    printer = Dummy(profile=profile)
    # escpos centres images against the profile's paper width in dots, and with a
    # profile that does not know it (the default one) it prints a warning to stdout on
    # every image. A copy of the profile that knows the width fixes both; the code
    # pages, which the printer's encoder has already read, stay the same.
    printer.profile = _profile_with_width(profile or "default", dots)()
    return printer


@lru_cache(maxsize=32)
def _profile_with_width(profile: str, dots: int) -> type[Any]:
    from escpos.capabilities import get_profile_class

    base: type[Any] = get_profile_class(profile)
    data = copy.deepcopy(base.profile_data)
    media = data.setdefault("media", {})
    paper = media.setdefault("width", {})
    known = paper.get("pixels")
    paper["pixels"] = min(known, dots) if isinstance(known, int) else dots
    return type(f"Arcoiris{base.__name__}", (base,), {"profile_data": data})


def _code_page(printer: Any) -> str:
    available = printer.profile.get_code_pages()
    for name in CODE_PAGES:
        if name in available:
            return name
    raise ValueError(
        f"printer profile {printer.profile.profile_data.get('name')!r} has none of the "
        f"code pages {', '.join(CODE_PAGES)} that receipts are printed in"
    )


def _set_style(printer: Any, style: LineStyle) -> None:
    # ESC ! (the size command) also clears bold on real printers, so bold comes after it.
    if style == "tall":
        printer.set(double_height=True, bold=True)
    else:
        printer.set(normal_textsize=True, bold=style == "bold")


def _logo_image(path: Path, max_dots: int) -> Any:
    from PIL import Image

    try:
        with Image.open(path) as opened:
            image = opened.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        logger.warning("Receipt logo %s could not be read, printing without it: %s", path, exc)
        return None
    if image.width > max_dots:
        height = max(1, round(image.height * max_dots / image.width))
        image = image.resize((max_dots, height), Image.Resampling.LANCZOS)
    return image


def _barcode(printer: Any, code: str, dots: int) -> None:
    """The receipt code as CODE128 (set B) with the printer's own text under it."""
    if not printer.profile.supports("barcodeB"):
        logger.info("Printer profile has no CODE128; the receipt code prints as text only")
        return
    if not code or not all(" " <= ch <= "~" for ch in code):
        logger.warning("Receipt code %r cannot be a CODE128 barcode; text only", code)
        return
    # Set B: start (11 modules) + 11 per character + check (11) + stop (13).
    modules = 11 + 11 * len(code) + 11 + 13
    if modules * _BARCODE_MODULE > dots:
        logger.warning("Receipt code %r is too long for a barcode on this paper", code)
        return
    # ESC/POS CODE128 data starts with "{B" to select code set B; a literal "{" is "{{".
    # _hw_barcode is the hardware path of Escpos.barcode(), which also prints a line to
    # stdout on every call.
    printer._hw_barcode(
        "{B" + code.replace("{", "{{"),
        "CODE128",
        height=_BARCODE_HEIGHT,
        width=_BARCODE_MODULE,
        pos="BELOW",
        font="A",
        align_ct=True,
        function_type="B",
    )
    printer.set(align="left")
