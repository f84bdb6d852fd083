"""Shifts: a cash drawer session opened with a counted float and closed with a count.

``arcoiris_shared.cash`` holds the drawer arithmetic (expected cash, over/short, a count by
denomination), ``current`` the one query every sale needs, ``service`` opening, the X
and Z reports and closing. No Qt here.
"""
