"""Receipts: what a printed receipt says, its ESC/POS bytes, and the printers that take them."""

from arcoiris_desktop.receipts.escpos_render import drawer_kick_bytes, render_escpos
from arcoiris_desktop.receipts.layout import LayoutLine, receipt_layout, receipt_text_lines
from arcoiris_desktop.receipts.model import Receipt, ReceiptLine, ReceiptPayment, ReceiptTax
from arcoiris_desktop.receipts.printers import (
    FilePrinter,
    NetworkPrinter,
    PrinterError,
    ReceiptPrinter,
    UsbPrinter,
    printer_from_config,
)

__all__ = [
    "FilePrinter",
    "LayoutLine",
    "NetworkPrinter",
    "PrinterError",
    "Receipt",
    "ReceiptLine",
    "ReceiptPayment",
    "ReceiptPrinter",
    "ReceiptTax",
    "UsbPrinter",
    "drawer_kick_bytes",
    "printer_from_config",
    "receipt_layout",
    "receipt_text_lines",
    "render_escpos",
]
