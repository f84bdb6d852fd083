"""The sale screen by keyboard: Up/Down choose the line F2/F3/F4/Del act on, banners move
nothing, and the change stays on screen until the next item."""

from __future__ import annotations

from decimal import Decimal as D

from PySide6.QtCore import Qt

from tests.desktop.conftest import BREAD, MILK, WATER, idle
from tests.desktop.keys import scan, sign_in


def test_up_and_down_choose_the_line_that_delete_voids(qtbot, window):
    w = window
    sign_in(qtbot, w)
    for code in (MILK, BREAD, WATER):
        scan(qtbot, w, code)
    assert w.sale._selected_row() == 2
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Up)
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Up)
    assert w.sale._selected_row() == 0
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Up)  # stays on the first line
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Down)
    assert w.sale._selected_row() == 1
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Delete)
    idle(qtbot, w)
    assert [line.name for line in w.sale.cart.lines] == [
        "Fresco Whole Milk 250 g",
        "Nordhavn Sparkling Water 6 x 330 ml",
    ]


def test_a_banner_coming_and_going_moves_no_cart_line(qtbot, window):
    w = window
    sign_in(qtbot, w)
    scan(qtbot, w, MILK)
    w.sale.banner.clear_message()
    qtbot.wait(50)
    before = w.sale.cart_view.mapTo(w, w.sale.cart_view.rect().topLeft())
    w.sale.banner.error("Unknown barcode 123 — a long message " * 4)
    qtbot.wait(50)
    during = w.sale.cart_view.mapTo(w, w.sale.cart_view.rect().topLeft())
    w.sale.banner.clear_message()
    qtbot.wait(50)
    after = w.sale.cart_view.mapTo(w, w.sale.cart_view.rect().topLeft())
    assert before == during == after


def test_the_change_stays_until_the_next_item(qtbot, window):
    w = window
    sign_in(qtbot, w)
    scan(qtbot, w, MILK)
    w.sale.show_change(D("6.91"))
    assert w.sale.change_label.isVisible() and w.sale.change_label.text() == "€6.91"
    w.sale.banner.info("something else")
    w.sale.banner.clear_message()
    assert w.sale.change_label.isVisible()
    scan(qtbot, w, BREAD)
    assert not w.sale.change_label.isVisible()
