"""Customers at the till: found in the local mirror of HQ's list, or quick-added. No Qt."""
