"""The tender and cash-count dialogs driven by real key events, as a cashier's and a
manager's fingers drive them: Enter shows before it commits, absurd amounts are refused.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt

from arcoiris_desktop.sales.tender import Tender, TenderError, max_cash_received
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.shift_dialogs import MAX_COUNTED, CashCountDialog
from arcoiris_desktop.ui.tender_dialog import TenderDialog
from arcoiris_desktop.ui.theme import STYLE
from arcoiris_shared.cash import DENOMINATIONS, FALLBACK_LARGEST_NOTE, largest_note

ENTER = Qt.Key.Key_Return
FMT = Formatter("EUR", "en_IE")


@pytest.fixture
def tender_dialog(qtbot):
    def make(total: str = "2.09") -> TenderDialog:
        dialog = TenderDialog(Tender(total=D(total), currency="EUR"), FMT)
        dialog.setStyleSheet(STYLE)
        qtbot.addWidget(dialog)
        dialog.done_with = []  # type: ignore[attr-defined]
        dialog.accepted.connect(lambda: dialog.done_with.append(True))  # type: ignore[attr-defined]
        show_active(qtbot, dialog)
        return dialog

    return make


def show_active(qtbot, dialog) -> None:
    """Shown and the active window, as on a till: only then do focus and default buttons
    behave as a cashier meets them (a focused button becomes the one Enter presses)."""
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def type_and_enter(qtbot, field, text: str) -> None:
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, ENTER)


# -- tender: the first Enter shows the change, the second completes --------------------------


def test_one_enter_shows_the_change_and_a_second_completes(qtbot, tender_dialog):
    d = tender_dialog()
    type_and_enter(qtbot, d.cash_field, "10")
    assert d.tender.is_complete and d.change_label.text() == "€7.91"
    assert d.isVisible() and not d.done_with, "one Enter must not complete the sale"
    assert d.cash_field.text() == "10", "what was received stays beside the change"
    assert "Enter again" in d.next_hint.text()
    qtbot.keyClick(d.cash_field, ENTER)
    assert d.done_with == [True]
    (cash,) = d.tender.payments
    assert (cash.tendered, cash.change) == (D("10"), D("7.91"))


def test_editing_the_amount_after_the_change_needs_enter_again(qtbot, tender_dialog):
    d = tender_dialog()
    type_and_enter(qtbot, d.cash_field, "10")
    assert d.change_label.text() == "€7.91"
    qtbot.keyClicks(d.cash_field, "20")  # the text was selected: this replaces it
    assert d.cash_field.text() == "20"
    assert not d.tender.is_complete and d.tender.payments == []
    assert d.change_label.text() == "€0.00" and not d.complete_btn.isEnabled()
    qtbot.keyClick(d.cash_field, ENTER)
    assert d.change_label.text() == "€17.91" and not d.done_with
    qtbot.keyClick(d.cash_field, ENTER)
    assert d.done_with == [True]
    (cash,) = d.tender.payments
    assert cash.tendered == D("20")


def test_enter_on_an_empty_field_takes_exact_cash_then_completes(qtbot, tender_dialog):
    d = tender_dialog()
    qtbot.keyClick(d.cash_field, ENTER)
    assert d.tender.is_complete and d.change_label.text() == "€0.00" and not d.done_with
    qtbot.keyClick(d.cash_field, ENTER)
    assert d.done_with == [True]


def test_the_card_code_enter_pays_and_a_second_enter_completes(qtbot, tender_dialog):
    d = tender_dialog()
    qtbot.keyClicks(d.card_ref, "AUTH 1")
    qtbot.keyClick(d.card_ref, ENTER)
    assert d.tender.is_complete and not d.done_with
    qtbot.keyClick(d.cash_field, ENTER)
    assert d.done_with == [True]


def test_the_cash_button_shows_the_change_and_never_completes(qtbot, tender_dialog):
    d = tender_dialog()
    qtbot.keyClicks(d.cash_field, "5")
    cash_btn = next(b for b in d.findChildren(type(d.complete_btn)) if b.text() == "Cash")
    qtbot.mouseClick(cash_btn, Qt.MouseButton.LeftButton)
    assert d.change_label.text() == "€2.91" and not d.done_with
    qtbot.mouseClick(cash_btn, Qt.MouseButton.LeftButton)
    assert not d.done_with and len(d.tender.payments) == 1
    qtbot.mouseClick(d.complete_btn, Qt.MouseButton.LeftButton)
    assert d.done_with == [True]


# -- tender: cash received beyond any believable note ----------------------------------------


def test_a_hundred_thousand_for_two_euros_is_refused_in_the_dialog(qtbot, tender_dialog):
    d = tender_dialog()
    type_and_enter(qtbot, d.cash_field, "100000")
    assert d.banner.kind == "banner-error"
    assert "€100,000.00" in d.banner.text() and "at most €1,002.09" in d.banner.text()
    assert d.tender.payments == [] and not d.tender.is_complete and d.isVisible()
    qtbot.keyClick(d.cash_field, ENTER)  # a second Enter takes nothing either
    assert d.tender.payments == [] and not d.done_with


def test_a_500_note_for_two_euros_is_fine(qtbot, tender_dialog):
    d = tender_dialog()
    type_and_enter(qtbot, d.cash_field, "500")
    assert d.banner.kind != "banner-error"
    assert d.change_label.text() == "€497.91"
    qtbot.keyClick(d.cash_field, ENTER)
    assert d.done_with == [True]


def test_the_bound_on_cash_received():
    assert largest_note("EUR") == D(500) and largest_note("usd") == D(100)
    assert largest_note("XXX") == FALLBACK_LARGEST_NOTE == D(500)
    assert max_cash_received(D("2.09"), "EUR") == D("1002.09")
    assert max_cash_received(D("2.09"), "EUR", notes_over=D(1)) == D("502.09")
    t = Tender(total=D("2.09"), currency="EUR")
    with pytest.raises(TenderError, match="surely a mistake"):
        t.add_cash(D("100000"))
    with pytest.raises(TenderError):
        t.add_cash(D("2000"))  # 20.00 with the decimal point missed
    assert t.payments == []
    assert t.add_cash(D("500")).change == D("497.91")
    # The bound follows what is still due, not the whole total (split tender).
    t = Tender(total=D("800.00"), currency="EUR")
    t.add_card(D("700.00"), "AUTH")
    assert t.max_cash == D("1100.00")
    with pytest.raises(TenderError):
        t.add_cash(D("1100.01"))
    # A till may be set stricter.
    t = Tender(total=D("2.09"), currency="EUR", cash_over_notes=D(1))
    with pytest.raises(TenderError):
        t.add_cash(D("600"))


def test_render_the_change_shown(qtbot, tender_dialog, tmp_path):
    d = tender_dialog("12.34")
    d.resize(620, 560)
    type_and_enter(qtbot, d.cash_field, "50")
    qtbot.wait(50)
    path = tmp_path / "tender_change.png"
    assert d.grab().save(str(path))
    assert d.change_label.text() == "€37.66" and d.change_label.isVisible()
    assert d.change_label.sizeHint().height() > d.total_label.sizeHint().height()


# -- the cash count: absurd totals refused, Enter moves box to box ----------------------------


@pytest.fixture
def count_dialog(qtbot):
    dialog = CashCountDialog(
        "Open shift",
        "Count the opening float into the drawer",
        FMT,
        DENOMINATIONS["EUR"],
        ok_text="Open shift",
    )
    dialog.setStyleSheet(STYLE)
    qtbot.addWidget(dialog)
    dialog.sent = []  # type: ignore[attr-defined]
    dialog.submitted.connect(lambda total, pieces: dialog.sent.append((total, pieces)))  # type: ignore[attr-defined]
    show_active(qtbot, dialog)
    return dialog


def test_a_barcode_scanned_into_the_float_total_is_refused(qtbot, count_dialog):
    d = count_dialog
    type_and_enter(qtbot, d.total_field, "100841000100000820.00")
    assert "cannot be in a till drawer" in d.error_label.text()
    assert "€99,999.99" in d.error_label.text()
    assert "?" not in d.ok.text(), "never offered as the float"
    qtbot.keyClick(d.total_field, ENTER)
    assert d.sent == [] and d.isVisible()
    d.total_field.clear()
    type_and_enter(qtbot, d.total_field, f"{MAX_COUNTED}")
    assert "€99,999.99?" in d.ok.text() and d.error_label.text() == ""
    qtbot.keyClick(d.total_field, ENTER)
    assert d.sent == [(MAX_COUNTED, {})]


def test_an_absurd_count_by_note_is_refused(qtbot, count_dialog):
    d = count_dialog
    type_and_enter(qtbot, d.fields[D("500")], "99999")
    qtbot.keyClick(d.total_field, ENTER)
    assert "cannot be in a till drawer" in d.error_label.text() and d.sent == []


def test_enter_in_empty_boxes_moves_on_to_the_next(qtbot, count_dialog):
    d = count_dialog
    assert d.focusWidget() is d.fields[D("500")]
    for _ in range(3):  # skip the 500s, 200s and 100s: none in the drawer
        qtbot.keyClick(d.focusWidget(), ENTER)
    assert d.focusWidget() is d.fields[D("50")]
    type_and_enter(qtbot, d.focusWidget(), "3")  # three 50s
    assert d.focusWidget() is d.fields[D("20")]
    qtbot.keyClick(d.focusWidget(), ENTER)  # no 20s
    type_and_enter(qtbot, d.focusWidget(), "0")  # a 0 typed: moves on all the same
    assert d.focusWidget() is d.fields[D("5")]
    type_and_enter(qtbot, d.focusWidget(), "2")  # two 5s
    assert d.pieces() == {D("50"): 3, D("10"): 0, D("5"): 2}
    assert d.total_field.text() == "160.00"
    while d.focusWidget() is not d.total_field:  # through the coins to the total
        assert d.focusWidget() in d.fields.values()
        qtbot.keyClick(d.focusWidget(), ENTER)
    assert d.sent == [] and "?" not in d.ok.text(), "no box's Enter is the OK"
    qtbot.keyClick(d.total_field, ENTER)  # the total: OK, asks first
    assert "€160.00?" in d.ok.text() and d.sent == []
    qtbot.keyClick(d.total_field, ENTER)
    assert d.sent == [(D("160.00"), {D("50"): 3, D("10"): 0, D("5"): 2})]


def test_the_cash_bound_is_a_till_setting(db, data_dir):
    """``cash_over_notes`` in the till's settings: 1 note over on a €2.09 sale is €502.09."""
    from arcoiris_desktop.config import put_settings
    from arcoiris_desktop.till import Till

    with db.write() as session:
        put_settings(session, {"cash_over_notes": "1"})
    tender = Till(db, data_dir=data_dir).new_tender(D("2.09"))
    assert tender.max_cash == D("502.09")
    with pytest.raises(TenderError):
        tender.add_cash(D("502.10"))
