"""Customers, tax rates, terminals, and the sales HQ receives (schema ``pos``)."""
