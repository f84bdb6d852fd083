"""``audit.recorded``: one entry of a till's audit log, kept at HQ (``pos.audit_events``).

Nothing to book and nothing to refuse but another terminal's entry: what the till saw is
what it saw. An entry whose id HQ already holds (sent again under a new op) is acknowledged
without a second row; a replayed op is answered from ``pos.sync_ops`` before it gets here.
"""

from __future__ import annotations

import orjson

from arcoiris_shared.ops import AuditRecordedPayload
from arcoiris_shared.sync_protocol import Op
from sync_server.sync.kinds.base import Context, Needs

Model = AuditRecordedPayload


def needs(p: AuditRecordedPayload, n: Needs) -> None:
    n.audit_events.add(p.entry.id)


def check_and_stage(ctx: Context, op: Op, p: AuditRecordedPayload) -> None:
    e = p.entry
    ctx.check_owner(ctx.org_id, e.terminal_id)
    if e.id in ctx.refs.audit_events:
        return  # recorded already: one row per entry
    ctx.refs.audit_events.add(e.id)
    ctx.batch.rows["pos.audit_events"].append(
        {
            **e.__dict__,
            "org_id": ctx.org_id,
            "details": orjson.dumps(e.details).decode(),
            "received_at": ctx.now,
        }
    )
