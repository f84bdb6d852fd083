"""The manager's day reaching HQ: paid ins and outs (``cash.moved``) booked and counted in
the shift's expected cash, the tills' audit log (``audit.recorded``) kept, and a close's
counts, Z number and over/short reason stored, with what does not add up flagged
(docs/sync-ops.md)."""

from __future__ import annotations

import uuid
from decimal import Decimal as D
from typing import Any

from sqlalchemy import select

from arcoiris_shared.cash import CASH_ACCOUNTS, OVER_SHORT_THRESHOLD_SETTING
from arcoiris_shared.db.pos import CashMovement, Shift
from sync_server.accounting.chart import DEFAULT_CHART
from sync_server.accounting.models import Account, Journal, JournalLine
from sync_server.org.models import OrgSetting
from sync_server.pos.audit import AuditEvent
from sync_server.pos.flags import Flag
from tests.server.conftest import OrgWorld
from tests.server.ops import (
    closed_shift_row,
    enroll,
    in_shift,
    now,
    op,
    push,
    sale_op,
    shift_row,
    statuses,
)


def movement(
    world: OrgWorld,
    enrolled: dict[str, Any],
    shift: dict[str, Any],
    amount: str,
    *,
    kind: str = "paid_out",
    account: str = "petty_cash",
) -> dict[str, Any]:
    """A ``cash.moved`` payload: ``amount`` signed as it moves the drawer."""
    return {
        "movement": {
            "org_id": str(world.org_id),
            "id": str(uuid.uuid4()),
            "terminal_id": enrolled["terminal_id"],
            "location_id": world.ids["location_id"],
            "shift_id": shift["id"],
            "kind": kind,
            "amount": amount,
            "account": account,
            "reason": "Window cleaner",
            "staff_id": str(world.manager.user_id),
            "approved_by": None,
            "occurred_at": now(),
        }
    }


def _flag(db, shift: dict[str, Any]) -> Flag | None:
    return db.scalar(select(Flag).where(Flag.source_id == uuid.UUID(shift["id"])))


def _shift(db, shift: dict[str, Any]) -> Shift:
    row = db.scalar(
        select(Shift)
        .where(Shift.id == uuid.UUID(shift["id"]))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def _postings(db, moved: dict[str, Any]) -> list[tuple[str, D, D]]:
    """The movement's journal as (account key, debit, credit), sorted."""
    journal = db.scalar(
        select(Journal).where(Journal.source_id == uuid.UUID(moved["movement"]["id"]))
    )
    assert journal is not None and journal.source_type == "cash_movement"
    on_account = (Account.org_id == JournalLine.org_id) & (Account.id == JournalLine.account_id)
    rows = db.execute(
        select(Account.system_key, JournalLine.debit, JournalLine.credit)
        .join(Account, on_account)
        .where(JournalLine.journal_id == journal.id)
    ).all()
    return sorted((str(k), D(d), D(c)) for k, d, c in rows)


def test_every_account_a_paid_in_or_out_may_name_is_in_the_default_chart():
    keys = {a.system_key for a in DEFAULT_CHART}
    for accounts in CASH_ACCOUNTS.values():
        assert set(accounts) <= keys


def test_a_paid_out_is_booked_and_the_close_that_counts_it_is_not_flagged(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    paid_out = movement(world_a, enrolled, shift, "-12.50")
    paid_in = movement(world_a, enrolled, shift, "20.00", kind="paid_in", account="bank")
    # 100.00 float + 5.00 cash sale - 12.50 paid out + 20.00 paid in = 112.50
    closed = closed_shift_row(shift, world_a, "112.50", "112.50")
    body = push(
        client,
        enrolled,
        [
            op(1, "shift.opened", {"shift": shift}),
            in_shift(sale_op(world_a, enrolled, 2), shift["id"]),
            op(3, "cash.moved", paid_out),
            op(4, "cash.moved", paid_in),
            op(5, "shift.closed", {"shift": closed}),
        ],
    ).json()
    assert statuses(body) == ["applied"] * 5, body
    assert _flag(db, shift) is None

    rows = db.scalars(select(CashMovement).where(CashMovement.shift_id == uuid.UUID(shift["id"])))
    assert sorted(r.amount for r in rows) == [D("-12.50"), D("20.00")]
    assert _postings(db, paid_out) == [("cash", D(0), D("12.50")), ("petty_cash", D("12.50"), D(0))]
    assert _postings(db, paid_in) == [("bank", D(0), D("20.00")), ("cash", D("20.00"), D(0))]
    tb = client.get("/api/accounting/trial-balance", headers=world_a.owner.headers).json()
    assert tb["balanced"]
    assert {r["code"]: D(r["balance"]) for r in tb["rows"]}["6100"] == D("12.50")


def test_a_close_that_ignores_a_paid_out_made_in_an_earlier_push_is_flagged(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    first = [
        op(1, "shift.opened", {"shift": shift}),
        op(2, "cash.moved", movement(world_a, enrolled, shift, "-3.00")),
    ]
    assert statuses(push(client, enrolled, first).json()) == ["applied"] * 2
    closed = closed_shift_row(shift, world_a, "100.00", "97.00")  # says 3.00 short
    assert statuses(push(client, enrolled, [op(3, "shift.closed", {"shift": closed})]).json()) == [
        "applied"
    ]
    flag = _flag(db, shift)
    assert flag is not None and "make 97.00" in flag.reason


def test_cash_movements_that_cannot_be_right_are_rejected_with_a_reason(client, db, world_a):
    enrolled = enroll(client, world_a)
    other = enroll(client, world_a, code="T10")
    shift = shift_row(world_a, enrolled)
    theirs = shift_row(world_a, other)
    assert statuses(push(client, other, [op(1, "shift.opened", {"shift": theirs})]).json()) == [
        "applied"
    ]
    closed_one = shift_row(world_a, enrolled)
    dup = movement(world_a, enrolled, shift, "-1.00")
    ops = [
        op(1, "shift.opened", {"shift": shift}),
        op(2, "cash.moved", movement(world_a, enrolled, shift, "5.00")),  # paid out, positive
        op(3, "cash.moved", movement(world_a, enrolled, shift, "-1.00", account="cogs")),
        op(4, "cash.moved", movement(world_a, enrolled, shift, "-1.005")),
        op(5, "cash.moved", movement(world_a, enrolled, theirs, "-1.00")),
        op(6, "shift.opened", {"shift": closed_one}),
        op(7, "shift.closed", {"shift": closed_shift_row(closed_one, world_a, "100.00", "100.00")}),
        op(8, "cash.moved", movement(world_a, enrolled, closed_one, "-1.00")),
        op(
            9,
            "cash.moved",
            movement(world_a, enrolled, shift, "-5.00", kind="paid_in", account="bank"),
        ),
        op(10, "cash.moved", dup),
        op(11, "cash.moved", dup),
    ]
    body = push(client, enrolled, ops).json()
    reasons = {r["seq"]: r["reason"] for r in body["results"]}
    expected = ["applied", "rejected", "rejected", "rejected", "rejected", "applied", "applied"]
    assert statuses(body) == [*expected, "rejected", "rejected", "applied", "rejected"], body
    assert "must take cash from the drawer" in reasons[2]
    assert "cannot be booked to 'cogs'" in reasons[3]
    assert "more than 2 decimals" in reasons[4]
    assert "another terminal's shift" in reasons[5]
    assert "already closed" in reasons[8]
    assert "must add cash" in reasons[9]
    assert "already recorded" in reasons[11]
    rows = db.scalars(select(CashMovement).where(CashMovement.org_id == world_a.org_id)).all()
    assert [r.id for r in rows] == [uuid.UUID(dup["movement"]["id"])]


def test_the_audit_log_is_kept_once_per_entry(client, db, world_a):
    enrolled = enroll(client, world_a)
    entry = {
        "id": str(uuid.uuid4()),
        "terminal_id": enrolled["terminal_id"],
        "action": "no_sale",
        "actor_id": str(world_a.cashier.user_id),
        "approver_id": str(world_a.manager.user_id),
        "details": {"why": "change for the bus"},
        "occurred_at": now(),
    }
    foreign = {**entry, "id": str(uuid.uuid4()), "terminal_id": str(uuid.uuid4())}
    ops = [
        op(1, "audit.recorded", {"entry": entry}),
        op(2, "audit.recorded", {"entry": entry}),  # the same entry under another op
        op(3, "audit.recorded", {"entry": foreign}),
    ]
    body = push(client, enrolled, ops).json()
    assert statuses(body) == ["applied", "applied", "rejected"], body
    again = push(client, enrolled, [op(4, "audit.recorded", {"entry": entry})]).json()
    assert statuses(again) == ["applied"]
    rows = db.scalars(select(AuditEvent).where(AuditEvent.org_id == world_a.org_id)).all()
    assert len(rows) == 1
    assert rows[0].action == "no_sale" and rows[0].details == {"why": "change for the bus"}
    assert rows[0].approver_id == world_a.manager.user_id


def test_a_close_keeps_its_counts_z_number_and_reason(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled, opening_count=[["50.00", 1], ["10.00", 5]])
    closed = {
        **closed_shift_row(shift, world_a, "100.00", "90.00"),
        "z_number": 1,
        "over_short_reason": "A 10 note given as change twice",
        "closing_count": [["50.00", 1], ["10.00", 4]],
    }
    ops = [op(1, "shift.opened", {"shift": shift}), op(2, "shift.closed", {"shift": closed})]
    assert statuses(push(client, enrolled, ops).json()) == ["applied"] * 2
    row = _shift(db, shift)
    assert row.z_number == 1
    assert row.over_short_reason == "A 10 note given as change twice"
    assert row.opening_count == [["50.00", 1], ["10.00", 5]]
    assert row.closing_count == [["50.00", 1], ["10.00", 4]]
    assert _flag(db, shift) is None  # 10.00 short, but with a reason

    # Closed in a later push (an UPDATE, not the COPY): the same is kept; an older till's
    # ``denominations`` counts as the closing count.
    later = shift_row(world_a, enrolled)
    assert statuses(push(client, enrolled, [op(3, "shift.opened", {"shift": later})]).json())
    closed = {**closed_shift_row(later, world_a, "100.00", "100.00"), "z_number": 2}
    body = push(
        client,
        enrolled,
        [op(4, "shift.closed", {"shift": closed, "denominations": [["100.00", 1]]})],
    ).json()
    assert statuses(body) == ["applied"]
    row = _shift(db, later)
    assert (row.z_number, row.closing_count, row.over_short_reason) == (2, [["100.00", 1]], None)


def test_a_z_number_used_twice_is_flagged_and_the_push_goes_through(client, db, world_a):
    enrolled = enroll(client, world_a)
    first, second, third = (shift_row(world_a, enrolled) for _ in range(3))
    ops = [op(1, "shift.opened", {"shift": first})]
    ops.append(
        op(
            2,
            "shift.closed",
            {"shift": {**closed_shift_row(first, world_a, "100.00", "100.00"), "z_number": 7}},
        )
    )
    ops.append(op(3, "shift.opened", {"shift": second}))
    ops.append(
        op(
            4,
            "shift.closed",
            {"shift": {**closed_shift_row(second, world_a, "100.00", "100.00"), "z_number": 7}},
        )
    )
    ops.append(op(5, "shift.opened", {"shift": third}))
    assert statuses(push(client, enrolled, ops).json()) == ["applied"] * 5
    assert _shift(db, first).z_number == 7 and _flag(db, first) is None
    assert _shift(db, second).z_number is None
    flag = _flag(db, second)
    assert flag is not None and "Z number 7" in flag.reason
    # Against HQ's own record in a later push, too.
    closed = {**closed_shift_row(third, world_a, "100.00", "100.00"), "z_number": 7}
    assert statuses(push(client, enrolled, [op(6, "shift.closed", {"shift": closed})]).json()) == [
        "applied"
    ]
    assert _shift(db, third).z_number is None and _flag(db, third) is not None


def test_over_short_beyond_the_threshold_needs_a_reason(client, db, world_a):
    enrolled = enroll(client, world_a)
    small, big = shift_row(world_a, enrolled), shift_row(world_a, enrolled)
    ops = [
        op(1, "shift.opened", {"shift": small}),
        op(2, "shift.closed", {"shift": closed_shift_row(small, world_a, "100.00", "95.00")}),
        op(3, "shift.opened", {"shift": big}),
        op(4, "shift.closed", {"shift": closed_shift_row(big, world_a, "100.00", "94.99")}),
    ]
    assert statuses(push(client, enrolled, ops).json()) == ["applied"] * 4
    assert _flag(db, small) is None  # 5.00 is the default threshold: not beyond it
    flag = _flag(db, big)
    assert flag is not None and "short by 5.01" in flag.reason and "no reason" in flag.reason

    # The org's own threshold is what counts.
    db.add(OrgSetting(org_id=world_a.org_id, key=OVER_SHORT_THRESHOLD_SETTING, value="1.00"))
    db.commit()
    tight = shift_row(world_a, enrolled)
    ops = [
        op(5, "shift.opened", {"shift": tight}),
        op(6, "shift.closed", {"shift": closed_shift_row(tight, world_a, "100.00", "101.50")}),
    ]
    assert statuses(push(client, enrolled, ops).json()) == ["applied"] * 2
    flag = _flag(db, tight)
    assert flag is not None and "over by 1.50" in flag.reason


def test_paid_ins_and_outs_in_pushes_between_open_and_close_count_at_close(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    pushes = [
        [op(1, "shift.opened", {"shift": shift})],
        [
            op(2, "cash.moved", movement(world_a, enrolled, shift, "-7.30", account="postage")),
            in_shift(sale_op(world_a, enrolled, 3), shift["id"]),  # 5.00 cash
        ],
        [
            op(
                4,
                "cash.moved",
                movement(world_a, enrolled, shift, "2.00", kind="paid_in", account="other_income"),
            )
        ],
        # 100.00 - 7.30 + 5.00 + 2.00
        [op(5, "shift.closed", {"shift": closed_shift_row(shift, world_a, "99.70", "99.70")})],
    ]
    for ops in pushes:
        body = push(client, enrolled, ops).json()
        assert set(statuses(body)) == {"applied"}, body
    assert _flag(db, shift) is None
    assert _shift(db, shift).expected_cash == D("99.70")


def test_a_close_the_chart_cannot_book_leaves_the_shift_open(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    assert statuses(push(client, enrolled, [op(1, "shift.opened", {"shift": shift})]).json())
    account = db.scalar(
        select(Account).where(
            Account.org_id == world_a.org_id, Account.system_key == "cash_over_short"
        )
    )
    assert account is not None
    account.system_key = None  # the org's accountant unlinked it
    db.commit()
    short = closed_shift_row(shift, world_a, "100.00", "99.00")
    body = push(client, enrolled, [op(2, "shift.closed", {"shift": short})]).json()
    assert statuses(body) == ["rejected"] and "cash_over_short" in body["results"][0]["reason"]
    assert _shift(db, shift).status == "open"
    # The till can still close it once the books can take it (here: nothing over or short).
    exact = closed_shift_row(shift, world_a, "100.00", "100.00")
    assert statuses(push(client, enrolled, [op(3, "shift.closed", {"shift": exact})]).json()) == [
        "applied"
    ]
    assert _shift(db, shift).status == "closed"
