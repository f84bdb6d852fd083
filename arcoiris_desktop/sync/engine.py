"""The sync engine: pushes the outbox in ``seq`` order until HQ has acknowledged every op,
then pulls the catalog. No Qt: a thread (or a test) calls ``sync_once`` and reads the status.

Exactly once, from the till's side: an op leaves the outbox only in the transaction that
records HQ's acknowledgement of its seq. A lost response means the op is sent again, and
HQ answers with the result it stored the first time.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from arcoiris_desktop.config import load_config, put_settings
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import AckedMovement, OutboxOp, Setting, SyncRejection, SyncState
from arcoiris_desktop.sync import mirror
from arcoiris_desktop.sync.client import (
    BatchTooLarge,
    CredentialRefused,
    Offline,
    OpTooLarge,
    ProtocolRefused,
    QueueConflict,
    SyncClient,
    SyncError,
)
from arcoiris_desktop.sync.credentials import CredentialStore
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.sync_protocol import (
    ENTITIES,
    MAX_OPS_PER_PUSH,
    MAX_PULL_PAGE,
    MOVING_KINDS,
    EnrollResponse,
    Op,
    SnapshotPage,
    StockPage,
)

logger = logging.getLogger(__name__)

# What a till asks for by default: the most HQ takes or gives at once (what the benchmarks
# measure; a smaller push or page only adds round trips and commits).
PUSH_BATCH = MAX_OPS_PER_PUSH
PAGE = MAX_PULL_PAGE
SERVER_URL = "sync_server_url"


# A catalog loaded before tills named the schema of its rows was loaded under the first.
SCHEMA_BEFORE_NAMED = "1"


@dataclass
class SyncStatus:
    configured: bool = False
    online: bool | None = None  # None: not tried yet
    waiting: int = 0
    rejected: int = 0
    last_success: dt.datetime | None = None
    last_error: str | None = None
    blocked: str | None = None  # a problem only a person can fix (revoked, conflict)
    catalog_version: int = 0


ClientFactory = Callable[[str, str | None], SyncClient]


class SyncEngine:
    def __init__(
        self,
        db: Database,
        data_dir: Path,
        *,
        client_factory: ClientFactory | None = None,
        batch_size: int = PUSH_BATCH,
        page_size: int = PAGE,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.credentials = CredentialStore(data_dir)
        self.client_factory = client_factory or (lambda url, cred: SyncClient(url, cred))
        self.batch_size = batch_size
        self.page_size = page_size
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self.failures = 0
        # The next page of a pull, asked for while the current one is written.
        self._fetcher: ThreadPoolExecutor | None = None
        self._ahead: tuple[SyncClient, tuple[str | None, ...], Future[Any]] | None = None
        self.status = SyncStatus()
        self.refresh_status()

    # -- state ---------------------------------------------------------------------------

    def _state(self, session: Session, key: str, default: str | None = None) -> str | None:
        row = session.get(SyncState, key)
        return row.value if row is not None else default

    def _set_state(self, session: Session, **values: str | None) -> None:
        for key, value in values.items():
            row = session.get(SyncState, key)
            if value is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(SyncState(key=key, value=value))
            else:
                row.value = value

    def server_url(self) -> str | None:
        with self.db.read() as session:
            row = session.get(Setting, SERVER_URL)
            return str(row.value) if row is not None else None

    def reachable(self, timeout: float = 1.0) -> bool:
        """Whether HQ's address takes a TCP connection now: a cheap way to notice that the
        network is back (no request, nothing for HQ to do)."""
        url = self.server_url()
        if url is None:
            return False
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            socket.create_connection((parts.hostname or "", port), timeout=timeout).close()
        except OSError:
            return False
        return True

    def refresh_status(self) -> SyncStatus:
        with self.db.read() as session:
            self.status.waiting = int(
                session.scalar(select(func.count()).select_from(OutboxOp)) or 0
            )
            self.status.rejected = int(
                session.scalar(select(func.count()).select_from(SyncRejection)) or 0
            )
            self.status.catalog_version = int(self._state(session, "catalog_cursor", "0") or 0)
            last = self._state(session, "last_success")
            self.status.last_success = dt.datetime.fromisoformat(last) if last else None
        self.status.configured = (
            self.server_url() is not None and self.credentials.load() is not None
        )
        return self.status

    # -- the loop's one step ----------------------------------------------------------------

    def next_delay(self, idle: float = 15.0) -> float:
        """Seconds until the next attempt: steady when well, jittered backoff when not."""
        if self.failures == 0:
            return idle
        base = min(60.0, float(2 ** min(self.failures - 1, 6)))
        return float(base / 2 + self.rng.uniform(0, base / 2))

    def sync_once(self) -> SyncStatus:
        """Push everything waiting, then pull the catalog. Never raises: the status says."""
        url = self.server_url()
        credential = self.credentials.load()
        if url is None or credential is None:
            self.status.configured = False
            return self.refresh_status()
        client = self.client_factory(url, credential)
        try:
            try:
                self.push_pending(client)
            except SyncError as refused:
                if refused.retry or isinstance(refused, CredentialRefused | ProtocolRefused):
                    raise  # soon again, or the pull would be refused too
                # An op HQ will not take (a person must look) holds the queue, not the
                # catalog: the till keeps selling at HQ's current prices meanwhile. What the
                # status says is the push's trouble, whatever the pull meets.
                self._pull_despite(client, refused)
                raise refused from None
            self.pull_catalog(client)
            self.pull_stock(client)
        except SyncError as exc:
            self.failures += 1
            self.status.online = not isinstance(exc, Offline)
            self.status.last_error = str(exc)
            if not exc.retry:
                self.status.blocked = str(exc)
            logger.info("sync did not finish: %s", exc)
        else:
            self.failures = 0
            self.status.online = True
            self.status.last_error = None
            self.status.blocked = None
            with self.db.write() as session:
                self._set_state(session, last_success=utcnow().isoformat())
        finally:
            client.close()
            self.db.wait_for_background()  # a sync is done when its writes are in the file
        return self.refresh_status()

    def _pull_despite(self, client: SyncClient, refused: SyncError) -> None:
        try:
            self.pull_catalog(client)
            self.pull_stock(client)
        except SyncError as exc:
            logger.info("pull after a push HQ refused (%s) did not finish: %s", refused, exc)

    # -- push ----------------------------------------------------------------------------------

    def push_pending(self, client: SyncClient) -> int:
        """Send the outbox in seq order until it is empty. Returns how many ops HQ acked."""
        batch, acked = self.batch_size, 0
        while True:
            with self.db.read() as session:
                rows = session.scalars(select(OutboxOp).order_by(OutboxOp.seq).limit(batch)).all()
            if not rows:
                return acked
            ops = [
                Op(
                    seq=r.seq,
                    op_id=r.op_id,
                    kind=r.kind,
                    occurred_at=r.occurred_at,
                    payload=r.payload,
                )
                for r in rows
            ]
            try:
                response = client.push(ops)
            except BatchTooLarge as exc:
                if batch == 1:
                    raise OpTooLarge(
                        f"op {rows[0].seq} ({rows[0].kind}) is larger than HQ accepts "
                        f"({exc}); nothing was deleted: call support"
                    ) from exc
                batch = max(1, batch // 2)
                logger.info("push batch too large; halving to %d", batch)
                continue
            done = {r.seq: r for r in response.results}
            by_seq = {r.seq: r for r in rows}
            with self.db.write() as session:
                for seq, result in done.items():
                    row = by_seq.get(seq)
                    if row is None:
                        continue
                    if result.status == "applied" and row.kind in MOVING_KINDS:
                        # Counted by the till until a stock pull brings levels with it.
                        session.add_all(_acked_movements(seq, row.payload))
                    if result.status == "rejected" and session.get(SyncRejection, seq) is None:
                        session.add(
                            SyncRejection(
                                seq=seq,
                                op_id=row.op_id,
                                kind=row.kind,
                                reason=result.reason or "rejected",
                                payload=row.payload,
                                occurred_at=row.occurred_at,
                            )
                        )
                session.execute(delete(OutboxOp).where(OutboxOp.seq.in_(list(done))))
            acked += len(done)
            if response.expected_seq is not None and response.expected_seq < rows[0].seq:
                raise QueueConflict(
                    f"HQ expects op {response.expected_seq} but this till's queue starts at "
                    f"{rows[0].seq}: ops are missing here. Nothing was deleted; call support."
                )
            if not done:
                raise QueueConflict("HQ acknowledged none of the ops sent; stopping")
            # A halved batch stays halved for the rest of this sync: going back to the full
            # size would send the bulk of it again only to hear 413 again.

    # -- pull ----------------------------------------------------------------------------------

    def pull_catalog(self, client: SyncClient) -> int:
        """Deltas since the cursor, each page in one transaction with its new cursor; a
        snapshot first when HQ says the cursor is too old (or there is none)."""
        config = self._config()
        applied = 0
        while True:
            with self.db.read() as session:
                cursor = int(self._state(session, "catalog_cursor", "0") or 0)
                schema = int(self._state(session, "catalog_schema") or SCHEMA_BEFORE_NAMED)
                in_snapshot = self._state(session, "snapshot_version") is not None
            if in_snapshot:
                applied += self._snapshot(client, config)
                continue
            page = client.pull(cursor, self.page_size, schema)
            if page.snapshot_required:
                # The outbox is not touched: a snapshot only replaces the catalog.
                with self.db.write() as session:
                    mirror.clear_seen(session)
                    self._set_state(
                        session,
                        snapshot_version=str(page.catalog_version),
                        snapshot_schema=str(page.catalog_schema),
                        snapshot_entity=ENTITIES[0],
                        snapshot_after=None,
                    )
                continue
            with self.db.write() as session:
                for entity in ENTITIES:
                    upserts = [c.data for c in page.changes if c.entity == entity and not c.deleted]
                    mirror.apply_rows(
                        session,
                        org_id=config[0],
                        location_id=config[1],
                        entity=entity,
                        rows=[u for u in upserts if u],
                    )
                    mirror.retire(
                        session,
                        org_id=config[0],
                        entity=entity,
                        keys=[c.key for c in page.changes if c.entity == entity and c.deleted],
                    )
                self._set_state(session, catalog_cursor=str(page.cursor))
            applied += len(page.changes)
            if not page.has_more:
                return applied

    def pull_stock(self, client: SyncClient) -> int:
        """HQ's levels at this store. The next page is on its way from HQ while this one is
        written.

        Each page says which of this till's ops its levels count (``includes_seq``): the
        acknowledged movements of those ops on the page's items stop being added by the till
        in the page's own transaction, so a pass broken off and resumed after more acks never
        counts one twice. A pass (pages until ``has_more`` is false) also remembers its first
        page's ``includes_seq`` (kept across a resume): when it ends, HQ's levels count every
        op up to it, and the rest of those ops' movements go too."""
        org_id, location_id = self._config()
        applied = 0
        while True:
            with self.db.read() as session:
                since = self._state(session, "stock_since")
                pass_seq = self._state(session, "stock_pass_seq")
            try:
                page: StockPage = self._fetched(
                    client, ("stock", since), partial(client.stock, since, self.page_size)
                )
                if page.has_more:
                    following = page.next_since or None
                    self._ask_ahead(
                        client,
                        ("stock", following),
                        partial(client.stock, following, self.page_size),
                    )
                # Levels name only items the till has (apply_stock skips the others) at its
                # own store: SQLite's per-row reference checks would look both up again.
                # HQ's levels can always be sent again and a page commits with its cursor:
                # no wait for the disk (a power cut takes back the last pages, cursor and
                # acknowledged movements with them, and the pass resumes before them).
                with self.db.write(foreign_keys=False, durable=False) as session:
                    mirror.apply_stock(
                        session, org_id=org_id, location_id=location_id, levels=page.levels
                    )
                    if page.includes_seq is not None:
                        mirror.forget_counted_movements(
                            session,
                            location_id=location_id,
                            includes_seq=page.includes_seq,
                            levels=page.levels,
                        )
                    if pass_seq is None and page.includes_seq is not None:
                        pass_seq = str(page.includes_seq)
                    if page.has_more:
                        self._set_state(
                            session, stock_since=page.next_since or None, stock_pass_seq=pass_seq
                        )
                    else:
                        if pass_seq is not None:
                            session.execute(
                                delete(AckedMovement).where(AckedMovement.seq <= int(pass_seq))
                            )
                        self._set_state(
                            session, stock_since=page.next_since or None, stock_pass_seq=None
                        )
            except BaseException:
                self._ahead = None  # whatever it brings is not wanted now
                raise
            applied += len(page.levels)
            if not page.has_more:
                return applied

    def _fetched(
        self, client: SyncClient, key: tuple[str | None, ...], fetch: Callable[[], Any]
    ) -> Any:
        """What ``fetch`` brings: the answer to the request made ahead for ``key`` if there
        is one, else asked now."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] is client and ahead[1] == key:
            return ahead[2].result()
        return fetch()

    def _ask_ahead(
        self, client: SyncClient, key: tuple[str | None, ...], fetch: Callable[[], Any]
    ) -> None:
        """Ask HQ for the next page now, while the current one is written."""
        if self._fetcher is None:
            self._fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull-ahead")
        self._ahead = (client, key, self._fetcher.submit(fetch))

    def _snapshot(self, client: SyncClient, config: tuple[uuid.UUID, uuid.UUID]) -> int:
        """One snapshot page; resumes where a crash left it (its progress commits with it).
        The next page is on its way from HQ while this one is written."""
        with self.db.read() as session:
            version = int(self._state(session, "snapshot_version") or 0)
            entity = self._state(session, "snapshot_entity") or ENTITIES[0]
            after = self._state(session, "snapshot_after")
        try:
            page: SnapshotPage = self._fetched(
                client,
                ("snapshot", entity, after),
                partial(client.snapshot, entity, after, self.page_size),
            )
            following = ENTITIES.index(entity) + 1
            if page.next_after is not None or following < len(ENTITIES):
                key = (
                    (entity, page.next_after)
                    if page.next_after is not None
                    else (ENTITIES[following], None)
                )
                self._ask_ahead(
                    client,
                    ("snapshot", *key),
                    partial(client.snapshot, key[0], key[1], self.page_size),
                )
            return self._apply_snapshot_page(config, version, entity, after, page)
        except BaseException:
            self._ahead = None  # whatever it brings is not wanted now
            raise

    def _apply_snapshot_page(
        self,
        config: tuple[uuid.UUID, uuid.UUID],
        version: int,
        entity: str,
        after: str | None,
        page: SnapshotPage,
    ) -> int:
        # A first load's last page joins the staged items to the catalog: rows that reference
        # only each other and known rates, so no reference checks a row (see apply). The
        # pages before it only stage what HQ can send again, each with its cursor: they
        # commit without waiting for the disk (a power cut takes back the last few, cursor
        # and all, and the load resumes before them); the last page's commit is durable,
        # and with it every page before.
        staging = entity == "item" and self._bulk_load_pending()
        merging = staging and page.next_after is None
        with self.db.write(foreign_keys=not merging, durable=merging or not staging) as session:
            if merging:
                # Committed without folding its gigabyte of log into the database file: a
                # thread of its own does that while the stock pull goes on.
                mirror.fold_wal_later(session)
            mirror.apply_snapshot_page(
                session,
                org_id=config[0],
                location_id=config[1],
                entity=entity,
                rows=page.rows,
                after=after,
                next_after=page.next_after,
            )
            if page.next_after is not None:
                self._set_state(session, snapshot_after=page.next_after)
            else:
                following = ENTITIES.index(entity) + 1
                if following < len(ENTITIES):
                    self._set_state(
                        session, snapshot_entity=ENTITIES[following], snapshot_after=None
                    )
                else:
                    mirror.clear_seen(session)
                    # Changes made while the snapshot ran come next as deltas (upserts are
                    # idempotent), so the cursor is the version the snapshot started at;
                    # the rows have the shape HQ announced when it asked for the snapshot.
                    self._set_state(
                        session,
                        catalog_cursor=str(version),
                        catalog_schema=self._state(session, "snapshot_schema", SCHEMA_BEFORE_NAMED),
                        snapshot_schema=None,
                        snapshot_version=None,
                        snapshot_entity=None,
                        snapshot_after=None,
                    )
        if merging:
            self.db.fold_wal_in_background()
        return len(page.rows)

    def _bulk_load_pending(self) -> bool:
        with self.db.read() as session:
            return mirror.bulk_load_pending(session)

    def _config(self) -> tuple[uuid.UUID, uuid.UUID]:
        with self.db.read() as session:
            config = load_config(session)
        return config.org_id, config.location_id


def adopt_enrolment(
    db: Database, data_dir: Path, url: str, enrolled: EnrollResponse, terminal_name: str
) -> None:
    """Make this till the terminal HQ just registered: identity, numbering, credential.

    A till that already sold for another organization or terminal is refused: its sales
    belong elsewhere (use a fresh data folder).
    """
    from arcoiris_desktop.outbox import raise_counter
    from arcoiris_desktop.shifts.service import Z_COUNTER
    from arcoiris_shared.db.inv import Location
    from arcoiris_shared.db.pos import Sale, Terminal

    with db.write() as session:
        current = {s.key: s.value for s in session.scalars(select(Setting))}
        sold = session.scalar(select(func.count()).select_from(Sale)) or 0
        same = current.get("terminal_id") == str(enrolled.terminal_id)
        if sold and not same:
            raise SyncError(
                "this till holds sales of another store or terminal; enrol a fresh data folder"
            )
        if session.get(Location, (enrolled.org_id, enrolled.location_id)) is None:
            session.add(
                Location(
                    org_id=enrolled.org_id,
                    id=enrolled.location_id,
                    code="STORE",
                    name="Store",
                    kind="store",
                )
            )
            session.flush()
        if session.get(Terminal, (enrolled.org_id, enrolled.terminal_id)) is None:
            session.add(
                Terminal(
                    org_id=enrolled.org_id,
                    id=enrolled.terminal_id,
                    code=enrolled.terminal_code,
                    name=terminal_name,
                    location_id=enrolled.location_id,
                )
            )
        put_settings(
            session,
            {
                "org_id": str(enrolled.org_id),
                "terminal_id": str(enrolled.terminal_id),
                "terminal_code": enrolled.terminal_code,
                "terminal_name": terminal_name,
                "location_id": str(enrolled.location_id),
                SERVER_URL: url,
            },
        )
        # Continue HQ's numbering: a replaced till must not reuse seqs or receipt numbers.
        raise_counter(session, "outbox_seq", enrolled.last_seq)
        raise_counter(session, "receipt_no", enrolled.last_receipt_no)
        raise_counter(session, Z_COUNTER, enrolled.last_z_number)
    CredentialStore(data_dir).save(enrolled.credential)
    logger.info("enrolled as terminal %s (%s)", enrolled.terminal_code, enrolled.terminal_id)


def _acked_movements(seq: int, payload: dict[str, Any]) -> list[AckedMovement]:
    return [
        AckedMovement(
            seq=seq,
            line=n,
            item_id=uuid.UUID(m["item_id"]),
            location_id=uuid.UUID(m["location_id"]),
            quantity=Decimal(m["quantity"]),
        )
        for n, m in enumerate(payload.get("movements", []), start=1)
    ]
