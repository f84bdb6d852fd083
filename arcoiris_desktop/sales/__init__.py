"""Selling: the cart, tender, completing a sale durably, parking, refunds."""
