"""What each role may do. Routes declare a permission; dependencies check it."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Permission(StrEnum):
    ORG_READ = "org.read"
    ORG_WRITE = "org.write"
    SETTINGS_WRITE = "settings.write"
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"
    CATALOG_READ = "catalog.read"
    CATALOG_WRITE = "catalog.write"
    LOCATIONS_WRITE = "locations.write"
    STOCK_READ = "stock.read"
    STOCK_WRITE = "stock.write"
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_WRITE = "customers.write"
    TAX_READ = "tax.read"
    TAX_WRITE = "tax.write"
    TERMINALS_READ = "terminals.read"
    TERMINALS_WRITE = "terminals.write"
    SALES_READ = "sales.read"
    ACCOUNTING_READ = "accounting.read"
    ACCOUNTING_WRITE = "accounting.write"


_CASHIER: Final = frozenset(
    {
        Permission.ORG_READ,
        Permission.CATALOG_READ,
        Permission.STOCK_READ,
        Permission.CUSTOMERS_READ,
        # A cashier signs a customer up at the till.
        Permission.CUSTOMERS_WRITE,
        Permission.TAX_READ,
    }
)
# A store manager runs the shop: catalog, prices, stock, staff below owner, the books to read.
_MANAGER: Final = frozenset(Permission) - {
    Permission.ORG_WRITE,
    Permission.SETTINGS_WRITE,
    Permission.ACCOUNTING_WRITE,
}
_OWNER: Final = frozenset(Permission)

ROLE_PERMISSIONS: Final[dict[str, frozenset[Permission]]] = {
    "owner": _OWNER,
    "manager": _MANAGER,
    "cashier": _CASHIER,
}

# Which roles a role may hand out: nobody makes someone more powerful than themselves.
ASSIGNABLE_ROLES: Final[dict[str, frozenset[str]]] = {
    "owner": frozenset({"owner", "manager", "cashier"}),
    "manager": frozenset({"manager", "cashier"}),
    "cashier": frozenset(),
}


def has_permission(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
