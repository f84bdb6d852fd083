"""``customer.upserted``: a customer created or edited at a till.

The newer ``updated_at`` wins against what HQ holds (HQ's own edits included), and a
customer that changed is logged in the catalog so every till hears of it.
"""

from __future__ import annotations

from arcoiris_shared.ops import CustomerUpsertedPayload
from arcoiris_shared.sync_protocol import Op
from sync_server.sync.kinds.base import Context, Needs

Model = CustomerUpsertedPayload


def needs(p: CustomerUpsertedPayload, n: Needs) -> None:
    n.customers.add(p.customer.id)


def check_and_stage(ctx: Context, op: Op, p: CustomerUpsertedPayload) -> None:
    c = p.customer
    ctx.check_owner(c.org_id)
    ctx.batch.customers.append({**c.__dict__, "org_id": ctx.org_id})
    ctx.refs.customers.add(c.id)
