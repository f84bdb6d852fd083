"""What the sale screen's manager keys do: F6 shift (open with a counted float, or the X
report with closing from there), F7 customer, F10 stock, Ctrl+I paid in, Ctrl+O paid
out, Ctrl+D no-sale (the drawer opened for nothing sold); the receipt printer
(``printer``, offered from the X report). Every call goes to ``Till`` on the worker; a
cashier signed in is asked for a manager's PIN first.

The keys know the screen they run on only through :class:`ManagerHost` (who is signed in,
its banner, its one open dialog, a few things to tell it); the screen imports this module,
never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Protocol

from PySide6.QtWidgets import QDialog, QWidget

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.catalog.lookup import CatalogItem
from arcoiris_desktop.customers.service import CustomerInfo
from arcoiris_desktop.reports.takings import TakingsView
from arcoiris_desktop.shifts.cash import CashMovementInfo
from arcoiris_desktop.shifts.history import ClosedShift
from arcoiris_desktop.shifts.service import ReasonRequired, ShiftInfo, ShiftReport
from arcoiris_desktop.staff import Staff
from arcoiris_desktop.stock.service import APPROVAL_ACTION, MoveLine, StockMove
from arcoiris_desktop.till import PrintOutcome, Till
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.cash_dialogs import OverShortReasonDialog, PayDialog
from arcoiris_desktop.ui.customer_dialog import CustomerDialog
from arcoiris_desktop.ui.dialogs import OneDialog
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.messages import cashier_message
from arcoiris_desktop.ui.printer_dialog import PrinterDialog
from arcoiris_desktop.ui.shift_dialogs import CashCountDialog, PastZDialog, ShiftReportDialog
from arcoiris_desktop.ui.stock_dialog import StockMoveDialog
from arcoiris_desktop.ui.takings_screen import TakingsDialog
from arcoiris_desktop.ui.theme import ACCENT, DANGER, WARN
from arcoiris_desktop.ui.worker import Worker


class ManagerHost(Protocol):
    """What the manager's keys need from the screen they run on, and nothing more."""

    @property
    def cashier(self) -> Staff | None: ...  # who is signed in
    @property
    def customer(self) -> CustomerInfo | None: ...  # on the sale now
    @property
    def banner(self) -> Banner: ...
    @property
    def dialogs(self) -> OneDialog: ...  # the screen's one open dialog

    def set_shift(self, shift: ShiftInfo | None) -> None: ...
    def set_customer(self, customer: CustomerInfo | None) -> None: ...
    def ask_approval(
        self,
        action: str,
        reason: str,
        details: dict[str, str],
        then: Callable[[Approval], None],
    ) -> None: ...
    def facts_changed(self) -> None: ...  # a shift, stock move or customer was written
    def note_print(self, outcome: PrintOutcome) -> None: ...
    def fail(self, exc: BaseException) -> None: ...


class ManagerActions:
    def __init__(
        self, host: ManagerHost, *, till: Till, worker: Worker, fmt: Formatter, parent: QWidget
    ) -> None:
        self.host = host
        self.till = till
        self.worker = worker
        self.fmt = fmt
        self.parent = parent  # the dialogs' parent widget

    # -- helpers -------------------------------------------------------------------------

    def _as_manager(
        self, action: str, reason: str, then: Callable[[Approval | None], None]
    ) -> None:
        cashier = self.host.cashier
        if cashier is None or self.host.dialogs.busy:
            return
        if cashier.can_approve:
            then(None)
        else:
            self.host.ask_approval(action, reason, {}, then)

    def _show(self, dialog: QDialog) -> None:
        self.host.dialogs.open(dialog)

    # -- shifts ---------------------------------------------------------------------------

    def shift(self) -> None:
        """F6: open a shift if none is, else the X report (closing is offered from there)."""
        self.worker.run(self.till.current_shift, done=self._shift_known, failed=self.host.fail)

    def _shift_known(self, shift: ShiftInfo | None) -> None:
        self.host.set_shift(shift)
        if shift is None:
            self._as_manager("shift.open", "open a shift", self._count_float)
        else:
            self._as_manager("shift.x_report", "see the X report", self._x_report)

    def _count_float(self, approval: Approval | None) -> None:
        dialog = CashCountDialog(
            "Open shift",
            "Count the opening float into the drawer",
            self.fmt,
            self.till.denominations(),
            ok_text="Open shift",
            parent=self.parent,
        )
        dialog.setObjectName("open-shift")

        def submitted(total: Decimal, pieces: dict[Decimal, int]) -> None:
            assert self.host.cashier is not None
            self.worker.run(
                self.till.open_shift,
                self.host.cashier,
                total,
                denominations=pieces or None,
                approval=approval,
                done=lambda shift: self._opened(dialog, shift),
                failed=lambda exc: dialog.show_error(_message(exc)),
            )

        dialog.submitted.connect(submitted)
        self._show(dialog)

    def _opened(self, dialog: CashCountDialog, shift: ShiftInfo) -> None:
        dialog.finish()
        self.host.set_shift(shift)
        self.host.banner.info(
            f"Shift open: float {self.fmt.money(shift.opening_float)}, "
            f"counted by {shift.opened_by_name}"
        )
        self.host.facts_changed()

    def _x_report(self, approval: Approval | None) -> None:
        assert self.host.cashier is not None
        self.worker.run(
            self.till.x_report,
            self.host.cashier,
            approval=approval,
            done=self._show_report,
            failed=self.host.fail,
        )

    def _show_report(self, report: ShiftReport) -> None:
        self.show_report(report)

    def show_report(self, report: ShiftReport) -> ShiftReportDialog:
        money = self.fmt.money
        if report.kind == "X":
            summary = [
                ("Net takings", money(report.net_takings), ""),
                ("Sales / refunds", f"{report.sales_count} / {report.refunds_count}", ""),
                (
                    "Expected in drawer",
                    "at the close" if self.till.blind_close else money(report.expected_cash),
                    "",
                ),
            ]
            title = "X report — shift still open"
        else:
            assert report.counted_cash is not None and report.over_short is not None
            diff = report.over_short
            word = "Over" if diff > 0 else "Short" if diff < 0 else "Exact"
            summary = [
                ("Expected", money(report.expected_cash), ""),
                ("Counted", money(report.counted_cash), ""),
                (word, money(diff), ACCENT if diff == 0 else DANGER if diff < 0 else WARN),
            ]
            title = (
                f"Z report No. {report.z_number} — shift closed"
                if report.z_number is not None
                else "Z report — shift closed"
            )
        dialog = ShiftReportDialog(
            title,
            summary,
            self.till.shift_report_lines(report),
            closing_offered=report.kind == "X",
            parent=self.parent,
        )
        dialog.print_button.clicked.connect(lambda: self._print(report))
        dialog.printer_button.clicked.connect(lambda: self._printer_from(dialog))
        dialog.takings_button.clicked.connect(lambda: self._takings_from(dialog))
        dialog.close_shift_button.clicked.connect(lambda: self._close_from(dialog))
        self._show(dialog)
        return dialog

    def _print(self, report: ShiftReport) -> None:
        self.worker.run(
            self.till.print_shift_report,
            report,
            done=self._printed,
            # The report is on disk already; the manager is told and can print it again.
            failed=lambda exc: self.host.banner.warn(
                f"The report did not print ({_message(exc)}); press Print to try again"
            ),
        )

    def _printed(self, outcome: PrintOutcome) -> None:
        self.host.note_print(outcome)
        (self.host.banner.info if outcome.ok else self.host.banner.warn)(outcome.message)

    def _close_from(self, dialog: ShiftReportDialog) -> None:
        dialog.reject()
        self._as_manager("shift.close", "close the shift", self._count_drawer)

    def close_shift(self) -> None:
        self._as_manager("shift.close", "close the shift", self._count_drawer)

    def _count_drawer(self, approval: Approval | None) -> None:
        # Blind close: the manager counts without being told what should be there (the
        # count dialog never shows it); over/short is shown once the count is in.
        dialog = CashCountDialog(
            "Close shift",
            "Count the cash in the drawer"
            + (" (blind: count first, the till compares after)" if self.till.blind_close else ""),
            self.fmt,
            self.till.denominations(),
            ok_text="Close shift",
            parent=self.parent,
        )
        dialog.setObjectName("close-shift")

        def submitted(total: Decimal, pieces: dict[Decimal, int]) -> None:
            assert self.host.cashier is not None
            self.worker.run(
                self.till.close_shift,
                self.host.cashier,
                counted_cash=None if pieces else total,
                denominations=pieces or None,
                approval=approval,
                done=lambda report: self._closed_shift(dialog, report),
                failed=lambda exc: refused(exc, total, pieces),
            )

        def refused(exc: BaseException, total: Decimal, pieces: dict[Decimal, int]) -> None:
            if isinstance(exc, ReasonRequired):
                self._ask_reason(dialog, exc, total, pieces, approval)
            else:
                dialog.show_error(_message(exc))

        dialog.submitted.connect(submitted)
        self._show(dialog)

    def _ask_reason(
        self,
        count_dialog: CashCountDialog,
        needed: ReasonRequired,
        total: Decimal,
        pieces: dict[Decimal, int],
        approval: Approval | None,
    ) -> None:
        """Over/short beyond the threshold: the manager says why, then the same count
        closes the shift with the reason. Cancel keeps the shift open (count again)."""
        dialog = OverShortReasonDialog(
            needed.over_short,
            needed.expected,
            needed.counted,
            self.till.over_short_threshold,
            self.fmt,
            parent=self.parent,
        )
        dialog.setObjectName("over-short-reason")

        def submitted(reason: str) -> None:
            assert self.host.cashier is not None
            self.worker.run(
                self.till.close_shift,
                self.host.cashier,
                counted_cash=None if pieces else total,
                denominations=pieces or None,
                approval=approval,
                reason=reason,
                done=lambda report: self._closed_shift(dialog, report),
                failed=lambda exc: dialog.show_error(_message(exc)),
            )

        def cancelled() -> None:
            self.host.banner.warn("The shift is still open: count again with F6 to close it")

        dialog.submitted.connect(submitted)
        dialog.rejected.connect(cancelled)
        self._show(dialog)  # the reason's dialog is current now; the count's closes under it
        count_dialog.finish()

    def _closed_shift(
        self, dialog: CashCountDialog | OverShortReasonDialog, report: ShiftReport
    ) -> None:
        dialog.finish()
        self.host.set_shift(None)
        self.host.facts_changed()
        self.show_report(report)
        self._print(report)  # the Z report prints at once; Print gives another copy

    # -- cash in and out of the drawer -----------------------------------------------------

    def paid_in(self) -> None:
        """Ctrl+I: cash put into the drawer that is not a sale (change from the bank)."""
        self._as_manager("cash.paid_in", "pay cash into the drawer", self._pay_in)

    def paid_out(self) -> None:
        """Ctrl+O: cash taken out of the drawer that is not a refund (a supplier, stamps)."""
        self._as_manager("cash.paid_out", "pay cash out of the drawer", self._pay_out)

    def _pay_in(self, approval: Approval | None) -> None:
        self._pay_dialog("paid_in", approval)

    def _pay_out(self, approval: Approval | None) -> None:
        self._pay_dialog("paid_out", approval)

    def _pay_dialog(self, kind: str, approval: Approval | None) -> PayDialog:
        dialog = PayDialog(kind, self.till.cash_accounts(kind), self.fmt, parent=self.parent)
        dialog.setObjectName(kind.replace("_", "-"))

        def submitted(amount: Decimal, account: str, reason: str) -> None:
            assert self.host.cashier is not None
            self.worker.run(
                self.till.pay_in_out,
                self.host.cashier,
                kind=kind,
                amount=amount,
                account=account,
                reason=reason,
                approval=approval,
                done=lambda info: self._paid(dialog, info),
                failed=lambda exc: dialog.show_error(_message(exc)),
            )

        dialog.submitted.connect(submitted)
        self._show(dialog)
        return dialog

    def _paid(self, dialog: PayDialog, info: CashMovementInfo) -> None:
        dialog.finish()
        word = "Paid in" if info.kind == "paid_in" else "Paid out"
        self.host.banner.info(
            f"{word} {self.fmt.money(abs(info.amount))}: {info.account_label} ({info.reason})"
        )
        self.host.facts_changed()

    # -- the day's takings ------------------------------------------------------------------

    def takings(self) -> None:
        """Ctrl+T: the day's takings against last week (a manager's; a cashier signed in is
        asked for a manager's PIN: the cashier's own never opens it)."""
        self._as_manager("reports.takings", "see the day's takings", self._takings)

    def _takings_from(self, report_dialog: QDialog) -> None:
        report_dialog.reject()  # the manager is signed in or approved the report already
        self._takings(None)

    def _takings(self, approval: Approval | None) -> None:
        self.worker.run(self.till.current_shift, done=self._open_takings, failed=self.host.fail)

    def _open_takings(self, shift: ShiftInfo | None) -> None:
        till = self.till

        def print_view(view: TakingsView) -> None:
            self.worker.run(
                till.print_takings, view, done=self.host.note_print, failed=self.host.fail
            )

        dialog = TakingsDialog(
            till.takings,
            self.worker,
            self.fmt,
            today=till.today(),
            shift_id=shift.id if shift is not None else None,
            on_print=print_view,
            store_available=till.sync_engine() is not None,
            parent=self.parent,
        )
        self._show(dialog)

    def no_sale(self) -> None:
        """Ctrl+D: open the drawer with nothing sold; audited, counted on the X/Z."""
        self._as_manager("drawer.no_sale", "open the drawer without a sale", self._no_sale)

    def _no_sale(self, approval: Approval | None) -> None:
        assert self.host.cashier is not None
        self.worker.run(
            self.till.no_sale,
            self.host.cashier,
            approval,
            done=self._drawer_opened,
            failed=self.host.fail,
        )

    def _drawer_opened(self, outcome: PrintOutcome) -> None:
        (self.host.banner.info if outcome.ok else self.host.banner.warn)(outcome.message)
        self.host.facts_changed()

    # -- customers ----------------------------------------------------------------------------

    def customer(self) -> None:
        if self.host.cashier is None or self.host.dialogs.busy:
            return
        dialog = CustomerDialog(self.host.customer, parent=self.parent)

        def search(text: str) -> None:
            self.worker.run(
                self.till.find_customers,
                text,
                done=lambda found: dialog.show_results(text, found),
                failed=lambda exc: dialog.banner.error(_message(exc)),
            )

        def add(name: str, phone: str, email: str) -> None:
            assert self.host.cashier is not None
            self.worker.run(
                self.till.add_customer,
                self.host.cashier,
                name,
                phone=phone or None,
                email=email or None,
                done=lambda c: added(c),
                failed=lambda exc: dialog.add_refused(_message(exc)),
            )

        def added(customer: CustomerInfo) -> None:
            dialog.added(customer)
            self.host.facts_changed()

        def accepted() -> None:
            if dialog.detach:
                self.host.set_customer(None)
            elif dialog.chosen is not None:
                self.host.set_customer(dialog.chosen)

        dialog.search_requested.connect(search)
        dialog.add_requested.connect(add)
        dialog.accepted.connect(accepted)
        self._show(dialog)

    # -- stock ------------------------------------------------------------------------------

    def stock(self) -> None:
        self._as_manager(APPROVAL_ACTION, "move stock", self._stock_dialog)

    def _stock_dialog(self, approval: Approval | None) -> None:
        dialog = StockMoveDialog(parent=self.parent)
        till = self.till

        def look_up() -> None:
            text = dialog.item_field.text()
            self.worker.run(
                lambda: _item_and_level(till.find_item(text), till.stock_of),
                done=lambda found: _found(found, text),
                failed=lambda exc: dialog.banner.error(_message(exc)),
            )

        def _found(found: tuple[CatalogItem, Decimal] | None, text: str) -> None:
            if found is None:
                dialog.show_item(None, None)
                dialog.banner.error(f"No item found for “{text.strip()}”")
                return
            dialog.banner.clear_message()
            dialog.show_item(*found)

        def record() -> None:
            if dialog.busy:  # the move is being written: a second Enter records nothing
                return
            item, person = dialog.item, self.host.cashier
            if item is None:
                dialog.banner.error("Scan or type the item first, then Enter")
                return
            assert person is not None
            qty = dialog.amount(dialog.quantity)
            if qty is None:
                dialog.banner.error(f"“{dialog.quantity.text()}” is not a quantity")
                return
            mode, note = dialog.mode, dialog.note.text()
            call: Callable[[], StockMove | None]
            if mode == "receipt":
                cost_text = dialog.cost.text().strip()
                cost = dialog.amount(dialog.cost) if cost_text else None
                if cost_text and cost is None:
                    dialog.banner.error(f"“{cost_text}” is not an amount")
                    return
                line = MoveLine(item.item_id, qty, cost)
                call = lambda: till.receive_stock(  # noqa: E731
                    person, [line], note=note, approval=approval
                )
            elif mode == "adjustment":
                why = str(dialog.why.currentData())
                call = lambda: till.adjust_stock(  # noqa: E731
                    person, item.item_id, qty, why=why, note=note, approval=approval
                )
            else:
                call = lambda: till.count_stock(  # noqa: E731
                    person, item.item_id, qty, note=note, approval=approval
                )
            dialog.busy = True
            self.worker.run(
                lambda: (call(), till.stock_of(item.item_id)),
                done=lambda r: _recorded(item, *r),
                failed=_refused,
            )

        def _refused(exc: BaseException) -> None:
            dialog.busy = False
            dialog.banner.error(_message(exc))

        def _recorded(item: CatalogItem, move: StockMove | None, level: Decimal) -> None:
            dialog.busy = False
            now = f"{level.normalize():f}"
            if move is None:
                dialog.banner.info(f"{item.name}: the count matches ({now}); nothing to record")
            else:
                delta = sum((d for _, d in move.lines), Decimal(0))
                sign = "+" if delta > 0 else ""
                dialog.banner.info(f"{item.name}: {sign}{delta.normalize():f} · now {now}")
                self.host.facts_changed()
            dialog.ready_for_next()

        dialog.item_field.returnPressed.connect(look_up)
        dialog.record.clicked.connect(record)
        self._show(dialog)

    # -- past Z reports ---------------------------------------------------------------------

    def past_z(self) -> None:
        """Ctrl+F6: the Z reports of this till's closed shifts, to read or print again."""
        self._as_manager("shift.z_reprint", "see past Z reports", self._list_z)

    def _list_z(self, approval: Approval | None) -> None:
        self.worker.run(self.till.closed_shifts, done=self._show_z_list, failed=self.host.fail)

    def _show_z_list(self, closed: list[ClosedShift]) -> None:
        dialog = PastZDialog(closed, self.fmt, parent=self.parent)

        def chosen(shift_id: object) -> None:
            dialog.accept()
            self.worker.run(
                self.till.past_z_report, shift_id, done=self._show_report, failed=self.host.fail
            )

        dialog.chosen.connect(chosen)
        self._show(dialog)

    # -- receipt printer ----------------------------------------------------------------------

    def printer(self) -> None:
        """The receipt printer setting (a manager's; offered from the X report)."""
        self._as_manager("printer.settings", "change the receipt printer", self._printer_dialog)

    def _printer_from(self, report_dialog: ShiftReportDialog) -> None:
        report_dialog.reject()
        self.printer()

    def _printer_dialog(self, approval: Approval | None) -> None:
        till = self.till
        dialog = PrinterDialog(
            till.printer_settings(),
            default_path=str(till.default_printer_path()),
            parent=self.parent,
        )

        def test(values: dict[str, str]) -> None:
            self.worker.run(
                till.test_printer,
                values,
                done=lambda outcome: dialog.test_done(outcome.ok, outcome.message),
                failed=lambda exc: dialog.test_done(False, _message(exc)),
            )

        def save(values: dict[str, str]) -> None:
            self.worker.run(
                till.save_printer,
                values,
                done=saved,
                failed=lambda e: dialog.save_failed(_message(e)),
            )

        def saved(name: str) -> None:
            dialog.saved()
            self.host.banner.info(f"Receipts now print to {name}")

        dialog.test_requested.connect(test)
        dialog.save_requested.connect(save)
        self._show(dialog)


def _item_and_level(
    item: CatalogItem | None, stock_of: Callable[..., Decimal]
) -> tuple[CatalogItem, Decimal] | None:
    return None if item is None else (item, stock_of(item.item_id))


def _message(exc: BaseException) -> str:
    return cashier_message(exc)
