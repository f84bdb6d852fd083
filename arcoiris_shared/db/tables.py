"""Import point for every mirrored model, so one import registers them all on the metadata."""

from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax, Location, StockLevel, StockMovement
from arcoiris_shared.db.pos import (
    CashMovement,
    Customer,
    Payment,
    Sale,
    SaleLine,
    SaleTax,
    Shift,
    TaxRate,
    Terminal,
)

__all__ = [
    "CashMovement",
    "Customer",
    "Item",
    "ItemBarcode",
    "ItemTax",
    "Location",
    "Payment",
    "Sale",
    "SaleLine",
    "SaleTax",
    "Shift",
    "StockLevel",
    "StockMovement",
    "TaxRate",
    "Terminal",
]
