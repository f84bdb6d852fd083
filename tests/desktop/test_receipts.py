"""Receipts: the text layout, the ESC/POS bytes read back as text, and the printers.

The ESC/POS bytes are decoded by a small strict parser (:func:`parse_escpos`) that knows
every command the renderer emits and fails on any other, so a test sees what a printer
would print: the text, in which style, the barcode and the cut.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
import zoneinfo
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from arcoiris_desktop.receipts import (
    FilePrinter,
    NetworkPrinter,
    PrinterError,
    Receipt,
    ReceiptLine,
    ReceiptPayment,
    ReceiptPrinter,
    ReceiptTax,
    UsbPrinter,
    drawer_kick_bytes,
    printer_from_config,
    receipt_layout,
    receipt_text_lines,
    render_escpos,
)
from arcoiris_shared.money import format_money
from arcoiris_shared.tax import LineInput, TaxRate, TaxRounding, compute_sale_totals
from tests.desktop.escpos_reader import parse_escpos

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
REDUCED = TaxRate("R", "IVA 10%", Decimal("10"))
STANDARD = TaxRate("S", "IVA 21%", Decimal("21"))


# -- a realistic receipt, its figures computed by the shared tax rules -------------------


@dataclass(frozen=True)
class Item:
    name: str
    sku: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    rates: tuple[TaxRate, ...]
    discount: Decimal = Decimal(0)
    note: str | None = None


ITEMS = (
    Item("Tomates Raf de Almería", "TOM-RAF", Decimal("0.512"), "kg", Decimal("2.99"), (REDUCED,)),
    Item(
        "Aceite de oliva virgen extra 1 L",
        "ACE-1L",
        Decimal("2"),
        "each",
        Decimal("8.95"),
        (REDUCED,),
        discount=Decimal("1.00"),
        note="Oferta 2ª unidad",
    ),
    Item("Café molido 250 g", "CAF-250", Decimal("1"), "each", Decimal("4.84"), (STANDARD,)),
)


def make_receipt(
    *,
    locale: str = "es_ES",
    kind: str = "sale",
    items: tuple[Item, ...] = ITEMS,
    **changes: object,
) -> Receipt:
    sign = Decimal(-1) if kind == "refund" else Decimal(1)
    totals = compute_sale_totals(
        [
            LineInput(item.quantity * sign, item.unit_price, item.rates, item.discount)
            for item in items
        ],
        currency="EUR",
        prices_include_tax=True,
        tax_rounding=TaxRounding.PER_RECEIPT,
    )
    lines = tuple(
        ReceiptLine(
            name=item.name,
            sku=item.sku,
            quantity=item.quantity * sign,
            unit=item.unit,
            unit_price=item.unit_price,
            total=line.total,
            discount=item.discount,
            tax_codes=tuple(rate.code for rate in item.rates),
            note=item.note,
        )
        for item, line in zip(items, totals.lines, strict=True)
    )
    card = Decimal("10.00") * sign
    if kind == "refund":
        payments = (
            ReceiptPayment("card", card, reference="AUTH 482913"),
            ReceiptPayment("cash", totals.total - card),
        )
    else:
        # Split tender as the till takes it: 10.00 on the card, the rest in cash from a
        # 20 note; a payment's amount is what it pays towards the sale.
        cash_due = totals.total - card
        payments = (
            ReceiptPayment("card", card, reference="AUTH 482913"),
            ReceiptPayment(
                "cash", cash_due, tendered=Decimal("20.00"), change=Decimal("20.00") - cash_due
            ),
        )
    receipt = Receipt(
        kind="refund" if kind == "refund" else "sale",
        receipt_code="T01-000123" if kind == "sale" else "T01-000124",
        occurred_at=dt.datetime(2025, 3, 12, 14, 5, 9, tzinfo=MADRID),
        store_name="Arcoíris Alimentación",
        store_address="Calle Mayor 1\n28013 Madrid",
        terminal_name="Caja 1",
        cashier_name="Ana Núñez",
        currency="EUR",
        locale=locale,
        prices_include_tax=True,
        lines=lines,
        taxes=tuple(
            ReceiptTax(tax.code, tax.name, tax.rate, tax.base, tax.amount) for tax in totals.taxes
        ),
        gross=totals.gross,
        discount_total=totals.discount_total,
        net=totals.net,
        tax_total=totals.tax_total,
        total=totals.total,
        payments=payments,
        header="NIF B12345678",
        footer="¡Gracias por su visita!",
        refund_of_code="T01-000123" if kind == "refund" else None,
    )
    return replace(receipt, **changes)  # type: ignore[arg-type]


def test_the_test_receipt_adds_up() -> None:
    receipt = make_receipt()
    assert receipt.total == Decimal("23.27")
    assert sum(line.total for line in receipt.lines) == receipt.total
    assert receipt.net + receipt.tax_total == receipt.total
    assert sum(p.amount for p in receipt.payments) == receipt.total + receipt.cash_rounding
    assert receipt.change_total == Decimal("6.73")
    assert [(t.code, t.base, t.amount) for t in receipt.taxes] == [
        ("R", Decimal("16.75"), Decimal("1.68")),
        ("S", Decimal("4.00"), Decimal("0.84")),
    ]


def line_with(lines: list[str], start: str) -> str:
    matches = [line for line in lines if line.startswith(start)]
    assert len(matches) == 1, f"expected one line starting {start!r}, got {matches}"
    return matches[0]


# -- the printed sale --------------------------------------------------------------------


def test_printed_text_is_the_layout_line_for_line() -> None:
    receipt = make_receipt()
    printed = parse_escpos(render_escpos(receipt))
    assert printed.texts == receipt_text_lines(receipt)
    assert [(line.text, line.style) for line in receipt_layout(receipt)] == printed.lines


def test_sale_receipt_in_spanish() -> None:
    receipt = make_receipt(locale="es_ES")
    lines = parse_escpos(render_escpos(receipt)).texts
    assert lines[0] == "Arcoíris Alimentación".center(42).rstrip()
    assert "Calle Mayor 1".center(42).rstrip() in lines
    assert "Ticket: T01-000123" in lines
    assert "Fecha: 12/3/2025 14:05:09" in lines
    assert line_with(lines, "Caja: Caja 1").endswith("Cajero/a: Ana Núñez")
    # The weighed line: name, then quantity x unit price per unit, the total flush right.
    at = lines.index("Tomates Raf de Almería")
    assert lines[at + 1] == "  0,512 kg x 2,99/kg".ljust(36) + "1,53 €"
    at = lines.index("Aceite de oliva virgen extra 1 L")
    assert lines[at + 1 : at + 4] == [
        "  2 x 8,95".ljust(35) + "16,90 €",
        "  Descuento".ljust(35) + "-1,00 €",
        "  (Oferta 2ª unidad)",
    ]
    assert line_with(lines, "Importe bruto").endswith(" 24,27 €")
    assert line_with(lines, "Descuento ").endswith(" -1,00 €")
    assert line_with(lines, "Base imponible").endswith(" 20,75 €")
    assert line_with(lines, "IVA 10%").endswith(" 1,68 €")
    assert line_with(lines, "IVA 21%").endswith(" 0,84 €")
    assert line_with(lines, "TOTAL") == "TOTAL".ljust(35) + "23,27 €"
    assert line_with(lines, "Tarjeta").endswith(" 10,00 €")
    assert "  Ref.: AUTH 482913" in lines
    assert line_with(lines, "Efectivo").endswith(" 13,27 €")
    assert line_with(lines, "  Entregado").endswith(" 20,00 €")
    assert line_with(lines, "  Cambio") == "  Cambio".ljust(36) + "6,73 €"
    at = lines.index(line_with(lines, "Imp."))
    assert lines[at].split() == ["Imp.", "Tipo", "Base", "Cuota"]
    assert lines[at + 1].split() == ["R", "10%", "16,75", "€", "1,68", "€"]
    assert lines[at + 2].split() == ["S", "21%", "4,00", "€", "0,84", "€"]
    assert lines[-1] == "¡Gracias por su visita!".center(42).rstrip()
    assert all(len(line) <= 42 for line in lines)


def test_sale_receipt_in_english() -> None:
    lines = parse_escpos(render_escpos(make_receipt(locale="en_IE"))).texts
    assert "Receipt: T01-000123" in lines
    assert (
        lines[lines.index("Tomates Raf de Almería") + 1]
        == "  0.512 kg x 2.99/kg".ljust(37) + "€1.53"
    )
    assert line_with(lines, "TOTAL") == "TOTAL".ljust(36) + "€23.27"
    assert line_with(lines, "Cash").endswith(" €13.27")
    assert line_with(lines, "  Tendered").endswith(" €20.00")
    assert line_with(lines, "  Change").endswith(" €6.73")
    assert line_with(lines, "  Ref.") == "  Ref.: AUTH 482913"
    at = lines.index(line_with(lines, "Tax "))
    assert lines[at + 1].split() == ["R", "10%", "€16.75", "€1.68"]
    assert lines[at + 2].split() == ["S", "21%", "€4.00", "€0.84"]
    assert "REFUND" not in "\n".join(lines) and "REPRINT" not in "\n".join(lines)


def test_store_name_and_total_are_tall_and_bold() -> None:
    printed = parse_escpos(render_escpos(make_receipt(locale="en_IE")))
    styles = dict(printed.lines)
    assert styles["Arcoíris Alimentación".center(42).rstrip()] == "tall"
    assert styles[line_with(printed.texts, "TOTAL")] == "tall"
    assert styles[line_with(printed.texts, "  Change")] == "bold"
    assert styles["Receipt: T01-000123"] == "normal"
    # ESC ! (size) also clears bold, so bold must be switched on after it.
    tall_at = printed.commands.index(b"\x1b!\x10")
    assert printed.commands[tall_at + 1] == b"\x1bE\x01"


def test_barcode_carries_the_receipt_code_and_the_job_ends_with_a_partial_cut() -> None:
    data = render_escpos(make_receipt())
    printed = parse_escpos(data)
    # GS k 73: CODE128; "{B" selects code set B, the printer prints the code under it.
    assert printed.barcodes == [(73, b"{BT01-000123")]
    assert b"\x1dH\x02" in data  # human-readable text below the bars
    assert printed.cuts == [1]  # GS V 1: partial cut
    assert data.endswith(b"\x1bd\x06\x1dV\x01")
    assert data.startswith(b"\x1b@\x1bt\x13")  # initialise, then PC858 (slot 19)


def test_euro_sign_and_accents_survive_in_pc858() -> None:
    data = render_escpos(make_receipt())
    printed = parse_escpos(data)
    assert printed.code_pages == ["cp858"]  # one table for the whole job, never switched
    text = "\n".join(printed.texts)
    for word in ("€", "Almería", "Núñez", "Café", "¡Gracias", "Arcoíris", "2ª"):
        assert word in text
    assert "€".encode("cp858") == b"\xd5" and b"\xd5" in data
    assert "ñ".encode("cp858") in data and "í".encode("cp858") in data


def test_characters_outside_the_code_page_print_as_question_marks() -> None:
    items = (replace(ITEMS[0], name="Sushi 寿司 → 🍣"),)
    data = render_escpos(make_receipt(items=items))
    assert "Sushi ?? ? ?" in parse_escpos(data).texts


def test_the_same_receipt_gives_the_same_bytes(tmp_path: Path) -> None:
    receipt = make_receipt()
    assert render_escpos(receipt) == render_escpos(receipt)
    assert render_escpos(receipt) == render_escpos(make_receipt())
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 80), "black").save(logo)
    assert render_escpos(receipt, logo=logo) == render_escpos(receipt, logo=logo)
    assert render_escpos(receipt, width=32) != render_escpos(receipt, width=48)


def test_logo_is_scaled_to_the_paper_and_centred(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logo = tmp_path / "logo.png"
    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (300, 100, 600, 200))
    image.save(logo)
    receipt = make_receipt()
    printed = parse_escpos(render_escpos(receipt, width=42, logo=logo))
    # Scaled to 42 columns x 12 dots and padded to that width, which centres it.
    assert printed.images == [(504, 168)]
    assert printed.texts == receipt_text_lines(receipt)
    # python-escpos prints to stdout on images and barcodes unless kept from it.
    assert capsys.readouterr().out == ""


def test_an_unreadable_logo_is_left_out(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_text("not an image")
    receipt = make_receipt()
    with_bad_logo = render_escpos(receipt, logo=logo)
    assert with_bad_logo == render_escpos(receipt)
    assert render_escpos(receipt, logo=tmp_path / "missing.png") == with_bad_logo


def test_drawer_kick_is_esc_p_on_pin_2() -> None:
    # ESC p m t1 t2: m = 0 is connector pin 2, pulse on/off 50 x 2 ms.
    assert drawer_kick_bytes() == b"\x1bp\x00\x32\x32"


# -- refunds and reprints ----------------------------------------------------------------


def test_refund_says_refund_and_shows_negative_amounts() -> None:
    receipt = make_receipt(locale="en_IE", kind="refund")
    assert receipt.total == Decimal("-23.27")
    lines = parse_escpos(render_escpos(receipt)).texts
    assert "*** REFUND ***".center(42).rstrip() in lines
    assert "Refund of: T01-000123" in lines
    assert lines[lines.index("Tomates Raf de Almería") + 1].split() == [
        "-0.512",
        "kg",
        "x",
        "2.99/kg",
        "-€1.53",
    ]
    # The discount gave less back, so it shows against the (negative) line.
    at = lines.index("Aceite de oliva virgen extra 1 L")
    assert lines[at + 1].split()[-1] == "-€16.90"
    assert lines[at + 2].split() == ["Discount", "€1.00"]
    assert line_with(lines, "Gross").endswith(" -€24.27")
    assert line_with(lines, "Discount ").endswith(" €1.00")
    assert line_with(lines, "TOTAL").endswith(" -€23.27")
    assert line_with(lines, "Card").endswith(" -€10.00")
    assert line_with(lines, "Cash").endswith(" -€13.27")
    assert not [line for line in lines if "Change" in line]
    at = lines.index(line_with(lines, "Tax "))
    assert lines[at + 1].split() == ["R", "10%", "-€16.75", "-€1.68"]
    assert "REPRINT" not in "\n".join(lines)


def test_reprint_says_reprint() -> None:
    lines = parse_escpos(render_escpos(make_receipt(locale="en_IE", reprint=True))).texts
    assert "*** REPRINT ***".center(42).rstrip() in lines
    assert "REFUND" not in "\n".join(lines)


def test_spanish_refund_and_reprint_banners() -> None:
    refund = receipt_text_lines(make_receipt(kind="refund", reprint=True))
    assert "*** DEVOLUCIÓN ***".center(42).rstrip() in refund
    assert "*** COPIA ***".center(42).rstrip() in refund


def test_cash_rounding_shows_only_when_there_is_some() -> None:
    assert not [line for line in receipt_text_lines(make_receipt()) if "Redondeo" in line]
    lines = receipt_text_lines(make_receipt(cash_rounding=Decimal("0.02")))
    assert line_with(lines, "Redondeo").endswith(" 0,02 €")


# -- widths ------------------------------------------------------------------------------

LONG_WORD = "Supercalifragilisticoespialidoso" * 3
LONG_ITEMS = (
    replace(ITEMS[0], name="Queso manchego curado de oveja, cuña de 250 g " * 4),
    replace(ITEMS[1], name=LONG_WORD, note="Precio cambiado por el encargado " * 3),
    replace(
        ITEMS[2],
        name="Jamón",
        quantity=Decimal("1234.567"),
        unit="kilogramo",
        unit_price=Decimal("123456.789"),
    ),
)


@pytest.mark.parametrize("width", [32, 42, 48])
@pytest.mark.parametrize("locale", ["es_ES", "en_IE"])
@pytest.mark.parametrize("kind", ["sale", "refund"])
def test_no_line_is_wider_than_the_paper(width: int, locale: str, kind: str) -> None:
    receipt = make_receipt(
        locale=locale,
        kind=kind,
        items=LONG_ITEMS,
        reprint=True,
        store_name="Supermercados Arcoíris de la Sierra Norte de Madrid, S.L.",
        store_address="Avenida de la Constitución de 1978, número 123, local 4\n28013 Madrid",
        terminal_name="Caja principal junto a la salida",
        cashier_name="María de los Ángeles Fernández-Villaverde",
        customer_name=LONG_WORD,
        extra={"Programa de fidelización": "Tarjeta oro " + "1234567890" * 5},
        footer="Conserve este ticket para cualquier cambio o devolución " * 3,
        cash_rounding=Decimal("-0.02"),
    )
    layout = receipt_text_lines(receipt, width=width)
    printed = parse_escpos(render_escpos(receipt, width=width))
    assert printed.texts == layout
    too_wide = [line for line in layout if len(line) > width]
    assert not too_wide
    # Nothing long was silently dropped: the amounts are all there.
    text = "\n".join(layout)
    for amount in (receipt.total, receipt.lines[2].total, receipt.taxes[1].base):
        assert format_money(amount, "EUR", locale).replace("\xa0", " ") in text
    assert "1.234,567" in text or "1,234.567" in text
    assert "Supercalifragilistico" in text
    rules = [at for at, line in enumerate(layout) if line == "-" * width]
    name_lines = layout[rules[1] + 1 : rules[1] + 3]  # the first item, after the header
    assert name_lines[0].startswith("Queso manchego curado")
    assert name_lines[1].endswith("...")


def test_too_narrow_a_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 24 columns"):
        receipt_text_lines(make_receipt(), width=20)


def test_an_unknown_locale_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown receipt locale 'xx_YY'"):
        receipt_text_lines(make_receipt(locale="xx_YY"))


def test_control_characters_in_names_never_reach_the_printer() -> None:
    items = (replace(ITEMS[0], name="Tomates\x1bp\x00\x19\x19 frescos\r"),)
    data = render_escpos(make_receipt(items=items))
    assert b"\x1bp" not in data
    assert "Tomatesp frescos" in parse_escpos(data).texts


# -- printers ----------------------------------------------------------------------------


def test_file_printer_appends_each_job_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "spool" / "today" / "receipts.bin"
    printer = FilePrinter(path)
    first = render_escpos(make_receipt())
    second = render_escpos(make_receipt(locale="en_IE", kind="refund")) + drawer_kick_bytes()
    printer.send(first)
    printer.send(second)
    assert path.read_bytes() == first + second
    assert isinstance(printer, ReceiptPrinter)
    assert printer.name == str(path)


def test_file_printer_failure_is_a_printer_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(PrinterError, match="Could not write the receipt to") as caught:
        FilePrinter(blocker / "receipts.bin").send(b"x")
    assert "\n" not in str(caught.value)


def free_local_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_network_printer_that_does_not_answer_fails_fast_and_clearly() -> None:
    port = free_local_port()
    printer = NetworkPrinter("127.0.0.1", port, timeout=2.0)
    started = time.monotonic()
    with pytest.raises(PrinterError) as caught:
        printer.send(b"\x1b@hello\n")
    assert time.monotonic() - started < 2.0
    assert str(caught.value) == f"Printer 127.0.0.1:{port} did not answer"
    assert printer.name == f"127.0.0.1:{port}"


def test_network_printer_sends_the_job_as_is() -> None:
    job = render_escpos(make_receipt())
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(5)
        NetworkPrinter("127.0.0.1", server.getsockname()[1], timeout=2.0).send(job)
        connection, _ = server.accept()
        with connection:
            connection.settimeout(5)
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
    assert received == job


def test_usb_printer_that_is_missing_is_a_printer_error() -> None:
    # Without pyusb, or without a device with these ids: either way a one-line message.
    printer = UsbPrinter(0xFFFF, 0xFFFE)
    with pytest.raises(PrinterError, match="USB printer ffff:fffe") as caught:
        printer.send(b"x")
    assert "\n" not in str(caught.value)


def test_printer_from_config() -> None:
    file_printer = printer_from_config({"kind": "file", "path": "/srv/till/receipts.bin"})
    assert isinstance(file_printer, FilePrinter)
    assert file_printer.path == Path("/srv/till/receipts.bin")
    default = printer_from_config({}, default_path=Path("/var/spool/receipts.bin"))
    assert isinstance(default, FilePrinter) and default.path == Path("/var/spool/receipts.bin")
    network = printer_from_config(
        {"kind": "network", "host": "192.168.1.50", "port": "9101", "timeout": "1.5"}
    )
    assert isinstance(network, NetworkPrinter)
    assert (network.host, network.port, network.timeout) == ("192.168.1.50", 9101, 1.5)
    assert network.name == "192.168.1.50:9101"
    assert printer_from_config({"kind": "network", "host": "printer.local"}).name.endswith(":9100")
    usb = printer_from_config({"kind": "USB", "vendor_id": "04b8", "product_id": "0x0202"})
    assert isinstance(usb, UsbPrinter)
    assert (usb.vendor_id, usb.product_id) == (0x04B8, 0x0202)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"kind": "bluetooth"}, "unknown receipt printer kind 'bluetooth'"),
        ({"kind": "file"}, "needs a 'path'"),
        ({"kind": "network"}, "needs a 'host'"),
        ({"kind": "network", "host": "h", "port": "nine"}, "'port' must be a number"),
        ({"kind": "network", "host": "h", "port": "70000"}, "port must be between"),
        ({"kind": "usb", "vendor_id": "04b8"}, "needs a 'product_id'"),
        ({"kind": "usb", "vendor_id": "zz", "product_id": "1"}, "hexadecimal"),
    ],
)
def test_printer_from_config_errors_clearly(config: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        printer_from_config(config)
