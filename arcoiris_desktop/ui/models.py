"""Thin Qt models over plain Python data: the cart's lines, search hits, refundable lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from arcoiris_desktop.catalog.lookup import CatalogItem
from arcoiris_desktop.sales.cart import Cart
from arcoiris_desktop.ui.format import Formatter

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class CartModel(QAbstractTableModel):
    """The cart as the cashier sees it. ``refresh()`` after any change to the cart."""

    HEADERS = ("Item", "Qty", "Price", "Discount", "Total")

    def __init__(self, cart: Cart, fmt: Formatter) -> None:
        super().__init__()
        self._cart = cart
        self._fmt = fmt
        self._rows: list[tuple[str, str, str, str, str, str | None]] = []
        self._rebuild()

    @property
    def cart(self) -> Cart:
        return self._cart

    def set_cart(self, cart: Cart) -> None:
        self.beginResetModel()
        self._cart = cart
        self._rebuild()
        self.endResetModel()

    def _rebuild(self) -> None:
        totals = self._cart.totals() if self._cart.lines else None
        rows = []
        for i, line in enumerate(self._cart.lines):
            t = totals.lines[i] if totals else None
            discount = t.discount if t else Decimal(0)
            price = self._fmt.money(line.unit_price)
            if line.unit != "each":
                price += f"/{line.unit}"
            note = line.note or ("Price override" if line.price_overridden else None)
            rows.append(
                (
                    line.name,
                    self._fmt.qty(line.quantity, line.unit),
                    price,
                    self._fmt.money(discount) if discount else "",
                    self._fmt.money(t.total) if t else "",
                    note,
                )
            )
        self._rows = rows

    def refresh(self, changed_row: int | None = None) -> None:
        before = len(self._rows)
        self._rebuild()
        after = len(self._rows)
        if after != before or changed_row is None:
            self.beginResetModel()
            self.endResetModel()
            return
        # Totals of every line can move (sale discount shares), so repaint all rows' cells.
        self.dataChanged.emit(self.index(0, 0), self.index(after - 1, len(self.HEADERS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0 and row[5]:
                return f"{row[0]}\n  {row[5]}"
            return row[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return row[0]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class SearchModel(QAbstractListModel):
    def __init__(self, fmt: Formatter) -> None:
        super().__init__()
        self._fmt = fmt
        self._items: list[CatalogItem] = []

    def set_items(self, items: list[CatalogItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> CatalogItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            unit = "" if item.unit == "each" else f"/{item.unit}"
            return f"{item.name}    {self._fmt.money(item.price)}{unit}    {item.sku}"
        return None
