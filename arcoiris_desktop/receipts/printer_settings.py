"""The receipt printer a manager chooses on the till: checked, tried and saved.

The choice is the ``printer`` entry of the local ``settings`` table (a dictionary of
strings, read by :func:`~arcoiris_desktop.config.load_config` and turned into a printer
by :func:`~arcoiris_desktop.receipts.printers.printer_from_config`). The form's keys are
``kind``, ``path`` (file), ``host`` and ``port`` (network), ``vendor_id`` and
``product_id`` (USB, hexadecimal) and ``drawer_kick`` (``on`` or ``off``); any other key
already there (``timeout``, ``receipt_logo``) is kept when the form is saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from arcoiris_desktop.config import put_settings
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import Setting
from arcoiris_desktop.receipts.escpos_render import render_escpos_lines
from arcoiris_desktop.receipts.layout import LayoutLine
from arcoiris_desktop.receipts.printers import ReceiptPrinter, printer_from_config

__all__ = [
    "FORM_KEYS",
    "KINDS",
    "PRINTER_SETTING",
    "drawer_kick_enabled",
    "print_test_page",
    "save_printer_settings",
    "test_page_bytes",
    "validate_printer_settings",
]

PRINTER_SETTING = "printer"
KINDS = ("file", "network", "usb")
FORM_KEYS = ("kind", "path", "host", "port", "vendor_id", "product_id", "drawer_kick")

_HEX_ID = re.compile(r"^(0x)?[0-9a-f]{1,4}$", re.IGNORECASE)


def drawer_kick_enabled(printer: Mapping[str, str]) -> bool:
    """Whether a cash sale opens the drawer: yes unless the setting says ``off``."""
    return (printer.get("drawer_kick") or "on").strip().lower() != "off"


def validate_printer_settings(values: Mapping[str, str]) -> dict[str, str]:
    """The form's values checked and tidied: only the chosen kind's keys, plus
    ``drawer_kick``. ``ValueError`` with a message a manager can act on."""
    kind = (values.get("kind") or "file").strip().lower()
    if kind not in KINDS:
        raise ValueError(f"Choose a file, network or USB printer (not {kind!r})")
    drawer = "off" if not drawer_kick_enabled(values) else "on"
    out: dict[str, str] = {"kind": kind, "drawer_kick": drawer}
    if kind == "file":
        path = (values.get("path") or "").strip()
        if not path:
            raise ValueError("Enter the file the receipts are written to")
        out["path"] = path
    elif kind == "network":
        host = (values.get("host") or "").strip()
        if not host:
            raise ValueError("Enter the printer's host name or IP address")
        if any(c.isspace() for c in host):
            raise ValueError(f"The host “{host}” has spaces in it")
        port_text = (values.get("port") or "").strip() or "9100"
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise ValueError(f"The port must be a whole number from 1 to 65535, not “{port_text}”")
        out["host"] = host
        out["port"] = str(int(port_text))
    else:
        for key, label in (("vendor_id", "vendor id"), ("product_id", "product id")):
            raw = (values.get(key) or "").strip()
            if not raw:
                raise ValueError(f"Enter the USB {label} in hexadecimal, as lsusb shows it (04b8)")
            if not _HEX_ID.match(raw) or int(raw, 16) == 0:
                raise ValueError(
                    f"The USB {label} must be 1 to 4 hexadecimal digits (like 04b8), not “{raw}”"
                )
            out[key] = f"{int(raw, 16):04x}"
    printer_from_config(out)  # the printer module's own checks, as the till will build it
    return out


def test_page_bytes(printer_name: str) -> bytes:
    """A short ESC/POS test page naming the printer."""
    lines = [
        LayoutLine("PRINTER TEST", "tall"),
        LayoutLine(""),
        LayoutLine(f"Printer: {printer_name}"[:42]),
        LayoutLine("If you can read this, receipts"),
        LayoutLine("will print here."),
        LayoutLine(""),
    ]
    return render_escpos_lines(lines, width=42)


def print_test_page(values: Mapping[str, str], *, default_path: Path | None = None) -> str:
    """Print a test page through ``values`` (not saved); the printer's name.

    ``ValueError`` for a wrong setting, :class:`PrinterError` if the printer fails."""
    checked = validate_printer_settings(values)
    printer: ReceiptPrinter = printer_from_config(checked, default_path=default_path)
    printer.send(test_page_bytes(printer.name))
    return printer.name


def save_printer_settings(db: Database, values: Mapping[str, str]) -> dict[str, str]:
    """Check ``values`` and write them as the till's printer in one transaction; the
    setting as saved. Keys outside the form already in the setting are kept."""
    checked = validate_printer_settings(values)
    with db.write() as session:
        current = session.get(Setting, PRINTER_SETTING)
        old = current.value if current is not None and isinstance(current.value, dict) else {}
        kept = {str(k): str(v) for k, v in old.items() if k not in FORM_KEYS}
        saved = {**kept, **checked}
        put_settings(session, {PRINTER_SETTING: saved})
    return saved
