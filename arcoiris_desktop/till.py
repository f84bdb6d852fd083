"""The till's operations, one call each, for the screens to run (on the worker thread).

This is the seam between widgets and everything below them: the UI never opens a session
or builds a query; it calls ``Till`` methods and shows what they return or raise. Each
method that writes owns its transaction (through the services it calls), and what comes
back is plain data (dataclasses), never a database row.

One facade, on purpose, rather than operations modules per area (Anki's
``aqt/operations/``):

* The logic is already split by area, below this file: ``sales.service``, ``sales.refunds``,
  ``shifts.service`` and ``shifts.history``, ``stock.service``, ``customers.service``,
  ``sync.*``, ``receipts.*``. A ``Till`` method is the call into one of them with the
  till's own database, configuration, printer and sync engine filled in. Split into
  modules, the same one-line calls would each need that context passed or held again:
  more files for a reader to open, no rule moved out of a widget that is not out already.
* The screens learn what changed from what an operation returns and from their own
  signals (``SaleScreen.sale_completed`` and ``facts_written``, ``RefundScreen.refunded``),
  which the main window routes: with three screens, a change bus would have one listener.
* The sections below (people, catalog, selling, returns, shifts, stock, customers, sync,
  printer, database) are the split when it is needed: a second window (back office, a
  customer display) that must redraw on others' changes is the time to make each section
  an ``arcoiris_desktop/operations/<area>.py`` taking the till as its context and to add
  one ``operation_did_execute(changes)`` signal in place of the per-screen ones.

A few calls touch no database and may run on the UI thread as the cashier types:
``new_cart``, ``new_tender``, ``denominations``, ``refund_estimate``,
``no_receipt_estimate``, ``shift_report_lines``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from arcoiris_desktop import audit
from arcoiris_desktop import staff as pins
from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.catalog import lookup
from arcoiris_desktop.catalog.lookup import CatalogItem, ScanResult
from arcoiris_desktop.config import TerminalConfig, load_config
from arcoiris_desktop.customers import service as customers
from arcoiris_desktop.customers.service import CustomerInfo
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import OutboxOp, Setting, SyncRejection
from arcoiris_desktop.receipts.escpos_render import (
    drawer_kick_bytes,
    render_escpos,
    render_escpos_lines,
)
from arcoiris_desktop.receipts.layout import LayoutLine, receipt_text_lines
from arcoiris_desktop.receipts.model import Receipt
from arcoiris_desktop.receipts.printers import (
    FilePrinter,
    PrinterError,
    ReceiptPrinter,
    printer_from_config,
)
from arcoiris_desktop.receipts.shift_report import shift_report_layout
from arcoiris_desktop.receipts.takings_report import takings_layout
from arcoiris_desktop.reports import export as takings_export
from arcoiris_desktop.reports import takings as reports
from arcoiris_desktop.reports.store import StoreUnavailable, store_takings
from arcoiris_desktop.reports.takings import Period, TakingsView
from arcoiris_desktop.sales import history, refunds, service
from arcoiris_desktop.sales.cart import Cart
from arcoiris_desktop.sales.refunds import RefundTo, SaleForReturn
from arcoiris_desktop.sales.service import CompletedSale, ParkedInfo
from arcoiris_desktop.sales.tender import Tender
from arcoiris_desktop.shifts import cash as shift_cash
from arcoiris_desktop.shifts import history as shift_history
from arcoiris_desktop.shifts import service as shifts
from arcoiris_desktop.shifts.history import ClosedShift
from arcoiris_desktop.shifts.service import ShiftInfo, ShiftReport
from arcoiris_desktop.staff import SignInResult, Staff, approver_by_pin, list_staff
from arcoiris_desktop.stock import service as stock
from arcoiris_desktop.stock.service import MoveLine, StockMove
from arcoiris_shared.cash import DENOMINATIONS
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.takings import time_zone

if TYPE_CHECKING:
    from arcoiris_desktop.sync.engine import SyncEngine

logger = logging.getLogger(__name__)

RECEIPT_WIDTH = 42
# The receipt's logo: resources/ beside the package (a source checkout, or PyInstaller's
# bundle), overridable per till with the "receipt_logo" printer setting.
DEFAULT_LOGO = Path(__file__).resolve().parent.parent / "resources" / "receipt-logo.png"


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    ok: bool
    message: str
    text: tuple[str, ...]  # the receipt as printed, for the on-screen preview


class Till:
    def __init__(
        self,
        db: Database,
        *,
        data_dir: Path,
        printer: ReceiptPrinter | None = None,
        config: TerminalConfig | None = None,
    ) -> None:
        self.db = db
        self.data_dir = data_dir
        if config is None:
            with db.read() as session:
                config = load_config(session)
        self.config = config
        self.printer = printer or self._configured_printer()
        self._sync: SyncEngine | None = None
        logo = Path(self.config.printer.get("receipt_logo", DEFAULT_LOGO))
        self.logo: Path | None = logo if logo.is_file() else None

    def _configured_printer(self) -> ReceiptPrinter:
        if self.config.printer:
            try:
                return printer_from_config(self.config.printer)
            except (ValueError, PrinterError) as exc:
                logger.warning("printer configuration refused (%s); printing to a file", exc)
        return FilePrinter(self.default_printer_path())

    # -- people ----------------------------------------------------------------------------

    def staff(self) -> list[Staff]:
        with self.db.read() as session:
            return list_staff(session)

    def sign_in(
        self, user_id: uuid.UUID, pin: str, *, now: dt.datetime | None = None
    ) -> SignInResult | None:
        """One try at the PIN pad, audited: ok / wrong / wait N s / locked (see
        ``staff.attempt_sign_in``; the count lives in the audit log, so a restart keeps it).
        No PIN at all is None: nothing was tried."""
        if not isinstance(pin, str) or not pin:
            return None
        with self.db.write() as session:
            return pins.attempt_sign_in(session, user_id, pin, now=now or dt.datetime.now(dt.UTC))

    def unlock(
        self, user_id: uuid.UUID, manager_pin: str, *, now: dt.datetime | None = None
    ) -> Staff | None:
        """A manager's PIN unlocks someone locked out by wrong PINs; the manager, or None."""
        with self.db.write() as session:
            return pins.unlock(session, user_id, manager_pin, now=now or dt.datetime.now(dt.UTC))

    def approve(
        self, pin: str, *, action: str, cashier: Staff, details: Mapping[str, str]
    ) -> Approval | None:
        """A manager's PIN turned into an approval, audited at once naming both people."""
        with self.db.read() as session:
            manager = approver_by_pin(session, pin)
        if manager is None:
            audit.audit(
                self.db, action=f"{action}.refused", actor_id=cashier.user_id, details=dict(details)
            )
            return None
        approval = Approval(action, manager.user_id, manager.full_name, dict(details))
        audit.record_approval(self.db, approval=approval, cashier=cashier)
        return approval

    # -- catalog ---------------------------------------------------------------------------

    def scan(self, code: str) -> ScanResult:
        with self.db.read() as session:
            return lookup.scan(
                session, self.config.org_id, code, self.config.variable_measure_rules
            )

    def search(self, text: str, limit: int = 50) -> list[CatalogItem]:
        with self.db.read() as session:
            return lookup.search(session, self.config.org_id, text, limit=limit)

    def find_item(self, text: str) -> CatalogItem | None:
        """A barcode or SKU, else the best match by name (a manager's stock screen)."""
        text = text.strip()
        if not text:
            return None
        try:
            return self.scan(text).item
        except lookup.UnknownBarcode:
            hits = self.search(text, limit=1)
            return hits[0] if hits else None

    def stock_of(self, item_id: uuid.UUID) -> Decimal:
        """HQ's level (as last pulled) plus this till's movements HQ has not acknowledged
        yet (sales, refunds and stock moves). Acknowledged ones are inside HQ's level
        already: never counted twice."""
        with self.db.read() as session:
            return stock.level(session, self.config, item_id)

    # -- selling ---------------------------------------------------------------------------

    def new_cart(self) -> Cart:
        c = self.config
        return Cart(
            currency=c.currency,
            prices_include_tax=c.prices_include_tax,
            tax_rounding=c.tax_rounding,
            rounding=c.rounding_mode,
            discount_limit_percent=c.discount_limit_percent,
        )

    def new_tender(self, total: Decimal) -> Tender:
        return Tender(
            total=total,
            currency=self.config.currency,
            policy=self.config.rounding,
            cash_over_notes=self.config.cash_over_notes,
        )

    def complete(self, cart: Cart, tender: Tender, cashier: Staff) -> CompletedSale:
        """Write the sale into the open shift; refused (``SaleError``) with none open."""
        return service.complete_sale(
            self.db,
            config=self.config,
            cart=cart,
            tender=tender,
            cashier=cashier,
            require_shift=True,
        )

    def void_needs_approval(self, cart: Cart, index: int) -> bool:
        """Whether voiding this cart line needs a manager's PIN (the till's thresholds)."""
        return cart.void_needs_approval(
            index,
            max_lines=self.config.void_approval_lines,
            max_amount=self.config.void_approval_amount,
        )

    def record_void(
        self,
        cashier: Staff,
        *,
        sku: str,
        name: str,
        quantity: Decimal,
        amount: Decimal,
        approval: Approval | None = None,
    ) -> None:
        """A voided cart line into the audit log (counted on the shift's X/Z report)."""
        audit.record_void(
            self.db,
            config=self.config,
            cashier=cashier,
            sku=sku,
            name=name,
            quantity=quantity,
            amount=amount,
            approval=approval,
        )

    def park(self, cart: Cart, cashier: Staff) -> uuid.UUID:
        return service.park(self.db, cart=cart, cashier=cashier)

    def parked(self) -> list[ParkedInfo]:
        return service.parked_sales(self.db)

    def resume(self, parked_id: uuid.UUID) -> Cart:
        return service.resume(self.db, parked_id)

    def print_receipt(self, receipt: Receipt, *, open_drawer: bool) -> PrintOutcome:
        """Print after the fact is safe on disk. A failing printer is reported, never raised:
        the sale stands and the cashier can reprint.

        The drawer is kicked on its own, before the receipt: a receipt that cannot be
        rendered or sent still lets the cashier hand back the change."""
        text = tuple(receipt_text_lines(receipt, width=RECEIPT_WIDTH))
        drawer_trouble = ""
        if open_drawer and self.config.printer.get("drawer_kick", "on") != "off":
            try:
                self.printer.send(drawer_kick_bytes())
            except Exception as exc:  # a printer's fault is never the sale's
                logger.warning("drawer kick for %s failed: %s", receipt.receipt_code, exc)
                drawer_trouble = " The drawer did not open: open it with the key."
        try:
            data = render_escpos(receipt, width=RECEIPT_WIDTH, logo=self.logo)
            self.printer.send(data)
        except Exception as exc:  # PrinterError, or python-escpos itself failing
            logger.warning("printing %s failed: %s", receipt.receipt_code, exc, exc_info=True)
            reason = str(exc) if isinstance(exc, PrinterError) else type(exc).__name__
            return PrintOutcome(
                False, f"Receipt not printed: {reason}. Use Reprint.{drawer_trouble}", text
            )
        if drawer_trouble:
            return PrintOutcome(False, f"Printed {receipt.receipt_code}.{drawer_trouble}", text)
        return PrintOutcome(True, f"Printed {receipt.receipt_code}", text)

    def last_receipt(self) -> Receipt | None:
        sale_id = service.last_sale_id(self.db, self.config)
        if sale_id is None:
            return None
        return service.receipt_for(self.db, self.config, sale_id, reprint=True)

    # -- returns ---------------------------------------------------------------------------

    def recent_sales(self, limit: int = history.RECENT_SALES) -> list[history.RecentSale]:
        """This till's last sales, newest first (the Returns screen's pick list)."""
        return history.recent_sales(self.db, self.config, limit)

    def find_for_return(self, code: str) -> SaleForReturn:
        return refunds.find_for_return(self.db, self.config, code)

    def refund_estimate(
        self, original: SaleForReturn, quantities: Mapping[int, Decimal]
    ) -> Decimal:
        """What refunding ``quantities`` pays back (positive), by the refund's own rule.
        No database: the screen may call it as the cashier types."""
        return refunds.refund_estimate(original, quantities)

    def refund(
        self,
        original: SaleForReturn,
        quantities: Mapping[int, Decimal],
        *,
        to: RefundTo,
        cashier: Staff,
        approval: Approval | None,
    ) -> CompletedSale:
        return refunds.refund(
            self.db,
            config=self.config,
            original=original,
            quantities=quantities,
            to=to,
            cashier=cashier,
            approval=approval,
            require_shift=True,
        )

    def no_receipt_estimate(self, items: Sequence[tuple[CatalogItem, Decimal]]) -> Decimal:
        """What a return without a receipt of ``items`` pays back (positive). No database."""
        return refunds.no_receipt_estimate(self.config, items)

    def refund_without_receipt(
        self,
        items: Sequence[tuple[CatalogItem, Decimal]],
        *,
        cashier: Staff,
        approval: Approval | None,
    ) -> CompletedSale:
        return refunds.refund_without_receipt(
            self.db,
            config=self.config,
            items=items,
            cashier=cashier,
            approval=approval,
            require_shift=True,
        )

    # -- shifts ----------------------------------------------------------------------------

    def current_shift(self) -> ShiftInfo | None:
        return shifts.current_shift(self.db, self.config)

    def open_shift(
        self,
        person: Staff,
        opening_float: Decimal | None = None,
        *,
        denominations: Mapping[Decimal, int] | None = None,
        approval: Approval | None = None,
    ) -> ShiftInfo:
        return shifts.open_shift(
            self.db,
            config=self.config,
            actor=person,
            opening_float=opening_float,
            denominations=denominations,
            approval=approval,
        )

    def x_report(self, person: Staff, *, approval: Approval | None = None) -> ShiftReport:
        return shifts.x_report(self.db, config=self.config, actor=person, approval=approval)

    def close_shift(
        self,
        person: Staff,
        *,
        counted_cash: Decimal | None = None,
        denominations: Mapping[Decimal, int] | None = None,
        approval: Approval | None = None,
        reason: str | None = None,
    ) -> ShiftReport:
        """Raises ``shifts.ReasonRequired`` when over/short is beyond the org's threshold
        and no reason was given: ask the manager why, then close again with it."""
        return shifts.close_shift(
            self.db,
            config=self.config,
            actor=person,
            counted_cash=counted_cash,
            denominations=denominations,
            approval=approval,
            reason=reason,
        )

    @property
    def blind_close(self) -> bool:
        """The close asks for the count without showing what the drawer should hold."""
        return self.config.blind_close

    @property
    def over_short_threshold(self) -> Decimal:
        return self.config.over_short_threshold

    # -- cash in and out of the drawer (a manager's) ----------------------------------------

    def cash_accounts(self, kind: str) -> dict[str, str]:
        """What a paid in or out may be for: account key -> label, in the order to list."""
        return shift_cash.accounts(kind)

    def pay_in_out(
        self,
        person: Staff,
        *,
        kind: shift_cash.CashKind,
        amount: Decimal,
        account: str,
        reason: str,
        approval: Approval | None = None,
    ) -> shift_cash.CashMovementInfo:
        return shift_cash.pay(
            self.db,
            config=self.config,
            actor=person,
            kind=kind,
            amount=amount,
            account=account,
            reason=reason,
            approval=approval,
        )

    def no_sale(self, person: Staff, approval: Approval | None = None) -> PrintOutcome:
        """Open the drawer with nothing sold: audited first, then the drawer is kicked. A
        printer (drawer) failure is reported, never raised: the no-sale stands."""
        shift_cash.no_sale(self.db, config=self.config, actor=person, approval=approval)
        if self.config.printer.get("drawer_kick", "on") == "off":
            return PrintOutcome(False, "No sale recorded. Open the drawer with the key.", ())
        try:
            self.printer.send(drawer_kick_bytes())
        except Exception as exc:  # a printer's fault is never the no-sale's
            logger.warning("drawer kick for a no-sale failed: %s", exc)
            return PrintOutcome(
                False, "No sale recorded. The drawer did not open: open it with the key.", ()
            )
        return PrintOutcome(True, "No sale: the drawer is open", ())

    def denominations(self) -> tuple[Decimal, ...]:
        """The notes and coins of the till's currency, largest first (empty: count a total)."""
        return DENOMINATIONS.get(self.config.currency, ())

    def shift_report_lines(self, report: ShiftReport) -> tuple[str, ...]:
        """The report as it prints, line for line, for the screen."""
        return tuple(line.text for line in self._shift_report_layout(report))

    def _shift_report_layout(self, report: ShiftReport) -> list[LayoutLine]:
        # One layout for the screen and the printer: what the manager reads is what prints.
        # A blind close's X report leaves out what the drawer should hold.
        return shift_report_layout(report, width=RECEIPT_WIDTH, blind=self.config.blind_close)

    def print_shift_report(self, report: ShiftReport) -> PrintOutcome:
        """Print an X or Z report. The close is on disk already: a failing printer is
        reported, never raised, and the report can be printed again from the screen."""
        return self._print_report(self._shift_report_layout(report), f"{report.kind} report")

    def _print_report(self, layout: list[LayoutLine], what: str) -> PrintOutcome:
        """A report's lines on the receipt printer; a failing printer is reported as the
        outcome (with the text, for the screen), never raised."""
        text = tuple(line.text for line in layout)
        try:
            self.printer.send(render_escpos_lines(layout, width=RECEIPT_WIDTH, logo=self.logo))
        except PrinterError as exc:
            logger.warning("printing the %s failed: %s", what, exc)
            return PrintOutcome(False, f"{what.capitalize()} not printed: {exc}", text)
        return PrintOutcome(True, f"{what.capitalize()} printed", text)

    # -- the manager's takings -----------------------------------------------------------

    def today(self) -> dt.date:
        """The store's local date now."""
        return utcnow().astimezone(time_zone(self.config.timezone)).date()

    def takings(self, period: Period, whole_store: bool = False) -> TakingsView:
        """The period's takings from this till's own database (works offline). With
        ``whole_store`` the figures are HQ's for every till of the store, as of HQ's last
        sync; when HQ cannot answer, this till's own, with the reason in ``note``. The audit
        list and low stock are always this till's."""
        own = reports.takings(self.db, self.config, period)
        if not whole_store:
            return own
        engine = self.sync_engine()
        if engine is None:
            return dataclasses.replace(
                own, note="This till is not connected to HQ: its own takings only."
            )
        try:
            figs, compared, as_of, names = store_takings(engine, self.config, period)
        except StoreUnavailable as exc:
            return dataclasses.replace(own, note=str(exc))
        return dataclasses.replace(
            own,
            figures=figs,
            compared=compared,
            hours=reports.hours_of(figs, compared, self.config.timezone),
            cashier_names={**own.cashier_names, **names},
            source="store",
            as_of=None if as_of is None else as_of.astimezone(time_zone(self.config.timezone)),
        )

    def print_takings(self, view: TakingsView) -> PrintOutcome:
        """The takings on the receipt printer; a failing printer is reported, never raised."""
        return self._print_report(takings_layout(view, width=RECEIPT_WIDTH), "takings")

    def takings_csv(self, view: TakingsView) -> str:
        return takings_export.takings_csv(view)

    def sales_csv(self, period: Period) -> str:
        return takings_export.sales_csv(self.db, self.config, period)

    def closed_shifts(self) -> list[ClosedShift]:
        """This till's closed shifts, the latest first: the Z reports a manager can reprint."""
        return shift_history.closed_shifts(self.db, self.config)

    def past_z_report(self, shift_id: uuid.UUID) -> ShiftReport:
        return shift_history.past_z_report(self.db, self.config, shift_id)

    # -- stock moves (a manager's) ---------------------------------------------------------

    def receive_stock(
        self,
        person: Staff,
        lines: Sequence[MoveLine],
        *,
        note: str | None = None,
        approval: Approval | None = None,
    ) -> StockMove:
        return stock.receive(
            self.db, config=self.config, actor=person, lines=lines, note=note, approval=approval
        )

    def adjust_stock(
        self,
        person: Staff,
        item_id: uuid.UUID,
        quantity: Decimal,
        *,
        why: str,
        note: str,
        approval: Approval | None = None,
    ) -> StockMove:
        return stock.adjust(
            self.db,
            config=self.config,
            actor=person,
            item_id=item_id,
            quantity=quantity,
            why=why,
            note=note,
            approval=approval,
        )

    def count_stock(
        self,
        person: Staff,
        item_id: uuid.UUID,
        counted: Decimal,
        *,
        note: str | None = None,
        approval: Approval | None = None,
    ) -> StockMove | None:
        return stock.count(
            self.db,
            config=self.config,
            actor=person,
            item_id=item_id,
            counted=counted,
            note=note,
            approval=approval,
        )

    # -- customers -------------------------------------------------------------------------

    def find_customers(self, text: str, limit: int = 30) -> list[CustomerInfo]:
        with self.db.read() as session:
            return customers.find(session, self.config.org_id, text, limit=limit)

    def customer(self, customer_id: uuid.UUID) -> CustomerInfo | None:
        with self.db.read() as session:
            return customers.get(session, self.config.org_id, customer_id)

    def add_customer(
        self, person: Staff, name: str, *, phone: str | None = None, email: str | None = None
    ) -> CustomerInfo:
        return customers.quick_add(
            self.db, config=self.config, actor=person, name=name, phone=phone, email=email
        )

    # -- sync with HQ ----------------------------------------------------------------------

    def sync_engine(self) -> SyncEngine | None:
        """The engine, if this till is enrolled with HQ (a demo till is not)."""
        if self._sync is None:
            from arcoiris_desktop.sync.engine import SERVER_URL, SyncEngine

            # A till that was never enrolled has no server: skip the keyring probe and the
            # engine's queries at start-up.
            with self.db.read() as session:
                if session.get(Setting, SERVER_URL) is None:
                    return None
            engine = SyncEngine(self.db, self.data_dir)
            self._sync = engine if engine.status.configured else None
        return self._sync

    def enroll(self, **values: str) -> object:
        """Register with HQ (see ``sync.setup.enroll_till``); the new identity is used from
        the next start."""
        from arcoiris_desktop.sync.setup import enroll_till

        return enroll_till(self.db, self.data_dir, **values)

    def waiting_ops(self) -> int:
        with self.db.read() as session:
            return int(session.scalar(select(func.count()).select_from(OutboxOp)) or 0)

    def waiting_list(self, limit: int = 200) -> list[tuple[int, str, str, str]]:
        """(seq, kind, receipt, when) of ops still on their way to HQ, oldest first."""
        with self.db.read() as session:
            rows = session.scalars(select(OutboxOp).order_by(OutboxOp.seq).limit(limit)).all()
            return [
                (
                    r.seq,
                    r.kind,
                    str(r.payload.get("sale", {}).get("receipt_code", "")),
                    r.occurred_at.isoformat(),
                )
                for r in rows
            ]

    def rejected_list(self) -> list[tuple[int, str, str, str]]:
        """(seq, kind, receipt, reason) of ops HQ refused."""
        with self.db.read() as session:
            rows = session.scalars(select(SyncRejection).order_by(SyncRejection.seq)).all()
            return [
                (r.seq, r.kind, str(r.payload.get("sale", {}).get("receipt_code", "")), r.reason)
                for r in rows
            ]

    # -- receipt printer (a manager's setting) ---------------------------------------------

    def default_printer_path(self) -> Path:
        """Where receipts go with no printer set: a file in the till's data folder."""
        return self.data_dir / "receipts" / "printer.bin"

    def printer_settings(self) -> dict[str, str]:
        """The printer setting as saved (empty: the default file)."""
        return dict(self.config.printer)

    def test_printer(self, values: Mapping[str, str]) -> PrintOutcome:
        """A test page through ``values``, unsaved; a failing printer is reported, not raised."""
        from arcoiris_desktop.receipts.printer_settings import print_test_page

        try:
            name = print_test_page(values, default_path=self.default_printer_path())
        except (ValueError, PrinterError) as exc:
            return PrintOutcome(False, f"Test page not printed: {exc}", ())
        except Exception as exc:  # python-escpos itself failing
            logger.warning("printer test failed", exc_info=True)
            return PrintOutcome(False, f"Test page not printed: {type(exc).__name__}", ())
        return PrintOutcome(True, f"Test page sent to {name}", ())

    def save_printer(self, values: Mapping[str, str]) -> str:
        """Save the printer setting and print through it from now on; its name."""
        from arcoiris_desktop.receipts.printer_settings import save_printer_settings

        saved = save_printer_settings(self.db, values)
        self.config = dataclasses.replace(self.config, printer=saved)
        self.printer = self._configured_printer()
        return self.printer.name

    # -- the database file -----------------------------------------------------------------

    def check_database(self) -> str | None:
        """The full page check, for after start-up. None when the database is sound."""
        try:
            return self.db.integrity_problem()
        except Exception as exc:  # a damaged file may fail the check itself
            return str(exc)

    def stop_background_work(self) -> None:
        """Closing the till: cut the page check short instead of waiting seconds for it."""
        self.db.interrupt_checks()
