"""The sync protocol's messages, the same classes on the terminal and the server.

Version 1. Every request names the version it speaks (``X-Protocol-Version``); a server
that does not speak it answers 426 with the versions it does speak, and the terminal keeps
selling and keeps its queue.

Push: ops in ``seq`` order, each with a UUID ``op_id``. The server applies them exactly
once per terminal: ``seq`` at or below what it has is a duplicate (the stored result comes
back), the next ``seq`` is applied, a gap stops the batch and says which ``seq`` it expects.
A business rejection is acknowledged as ``rejected`` (and kept in HQ's dead-letter list):
one bad op never blocks the ones behind it. The same ``op_id`` with a different payload is
refused loudly.

Pull: catalog changes since a cursor, in pages; deletes come as tombstones. A cursor older
than the server keeps, or a schema change, asks for a fresh snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

PROTOCOL_VERSION: Final = 1
SUPPORTED_VERSIONS: Final = (1,)
VERSION_HEADER: Final = "X-Protocol-Version"
MAX_OPS_PER_PUSH: Final = 500
MAX_PULL_PAGE: Final = 5_000
# The shape of the catalog rows HQ sends. A till names the one its catalog was loaded under
# when it pulls; HQ answers a different one with "take a snapshot" (its rows changed shape,
# so what the till holds may lack what the new rows carry).
CATALOG_SCHEMA: Final = 1
# Pull entity names, in the order a page applies them (rates before the items using them).
ENTITIES: Final = ("setting", "tax_rate", "location", "staff", "customer", "item")

# The kinds this version defines (docs/sync-ops.md). An op names its kind as a plain string:
# a kind the server does not know is rejected on its own (and kept), never the whole push.
OP_KINDS: Final = (
    "sale.completed",
    "sale.refunded",
    "stock.moved",
    "shift.opened",
    "shift.closed",
    "customer.upserted",
)
# The kinds whose payload carries stock movements (``payload["movements"]``).
MOVING_KINDS: Final = ("sale.completed", "sale.refunded", "stock.moved")
OpKind = Annotated[str, Field(pattern=r"^[a-z][a-z_]*\.[a-z][a-z_]*$", max_length=32)]
OpStatus = Literal["applied", "rejected"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


def wire_decimal(value: Decimal) -> str:
    """An amount or quantity as an op carries it: plain notation, never an exponent
    (``str(Decimal("1e1"))`` is ``"1E+1"``, which HQ refuses as malformed)."""
    return format(value, "f")


def payload_digest(payload: dict[str, Any]) -> str:
    """A stable fingerprint of an op's payload: the same op_id must always carry it.

    Canonical JSON (sorted keys, no spaces, UTF-8) through orjson: the standard library's
    encoder cost ~45 µs a sale, a tenth of HQ's whole ingest budget."""
    canonical = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(canonical).hexdigest()


class Op(_Message):
    seq: Annotated[int, Field(ge=1)]
    op_id: uuid.UUID
    kind: OpKind
    occurred_at: AwareDatetime
    payload: dict[str, Any]


class PushRequest(_Message):
    # More than MAX_OPS_PER_PUSH is answered 413 (not 422): the client halves and retries.
    ops: Annotated[list[Op], Field(min_length=1)]


class OpResult(_Message):
    seq: int
    op_id: uuid.UUID
    status: OpStatus
    reason: str | None = None
    duplicate: bool = Field(
        default=False, description="HQ had this op already; this is the result it stored then"
    )


class PushResponse(_Message):
    results: list[OpResult]
    last_seq: int = Field(description="The highest seq the server has applied or rejected")
    expected_seq: int | None = Field(
        default=None, description="Set when the batch stopped at a gap: send this seq next"
    )


class MetaResponse(_Message):
    server_time: AwareDatetime
    protocol_versions: list[int]
    terminal_id: uuid.UUID
    terminal_code: str
    last_seq: int
    catalog_version: int


class Change(_Message):
    entity: str
    key: str
    version: int
    deleted: bool = False
    data: dict[str, Any] | None = None


class PullResponse(_Message):
    changes: list[Change]
    cursor: int = Field(description="Pass this as the next cursor")
    has_more: bool
    catalog_version: int
    snapshot_required: bool = Field(
        default=False,
        description="The cursor is too old (or the catalog's shape changed): take a snapshot",
    )
    catalog_schema: int = Field(
        default=CATALOG_SCHEMA, description="The shape of the rows HQ sends (see ``schema``)"
    )


class SnapshotPage(_Message):
    """One page of one entity of the whole catalog, as of ``catalog_version`` or later."""

    entity: str
    rows: list[dict[str, Any]]
    next_after: str | None = Field(description="Pass as 'after' for the next page; null: done")
    catalog_version: int


class EnrollRequest(_Message):
    location_id: uuid.UUID
    code: Annotated[str, Field(pattern=r"^[A-Z0-9]{1,16}$")]
    name: Annotated[str, Field(min_length=1, max_length=80)]


class EnrollResponse(_Message):
    org_id: uuid.UUID
    terminal_id: uuid.UUID
    terminal_code: str
    location_id: uuid.UUID
    credential: str = Field(description="Send as 'Authorization: Device <credential>'")
    issued_at: dt.datetime
    last_seq: int = Field(description="Where HQ's record of this terminal's ops stands")
    last_receipt_no: int = Field(description="The highest receipt number HQ has from it")
    last_z_number: int = Field(
        default=0, description="The highest Z number HQ has from it (its closes go on from it)"
    )


class StockPage(_Message):
    """HQ's stock levels at the terminal's store that changed since ``since`` (a cursor the
    server made; pass ``next_since`` back). Rows may repeat across pages: apply as upserts."""

    levels: list[dict[str, str]]
    next_since: str
    has_more: bool
    includes_seq: int | None = Field(
        default=None,
        description="This terminal's last acknowledged seq, read before these levels: when "
        "a pull that began with this page has read its last page, the levels count every op "
        "up to it (the till stops adding those ops' movements itself)",
    )
