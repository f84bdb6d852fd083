"""Terminal enrolment and device credentials.

A manager enrols a terminal once; it receives ``<terminal_id>.<secret>``, kept in the OS
keyring. The server keeps only the secret's SHA-256 (a random 256-bit secret needs no slow
hash, and every push checks it). Revoking the terminal, or re-enrolling it, kills the old
credential at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Header, Request
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.pos import Sale, Shift, Terminal
from arcoiris_shared.sync_protocol import (
    SUPPORTED_VERSIONS,
    VERSION_HEADER,
    EnrollRequest,
    EnrollResponse,
)
from sync_server.deps import OrgContext, SessionDep
from sync_server.errors import AppError, Conflict, Unauthorized, Unprocessable
from sync_server.inventory import service as inventory_service
from sync_server.sync.models import TerminalDevice

SCHEME = "device"


class ProtocolUnsupported(AppError):
    status_code = 426
    code = "protocol_unsupported"


async def require_protocol(
    version: Annotated[str | None, Header(alias=VERSION_HEADER)] = None,
) -> int:
    """Every sync request names its protocol version; one this server does not speak gets a
    clear 426 with the versions it does."""
    return protocol_version(version)


def protocol_version(version: str | None) -> int:
    supported = list(SUPPORTED_VERSIONS)
    if version is None:
        raise ProtocolUnsupported(
            f"Send the {VERSION_HEADER} header", details={"supported": supported}
        )
    try:
        number = int(version)
    except ValueError:
        number = -1
    if number not in SUPPORTED_VERSIONS:
        raise ProtocolUnsupported(
            f"This server speaks sync protocol {supported}, not {version}",
            details={"supported": supported},
        )
    return number


ProtocolDep = Annotated[int, Depends(require_protocol)]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class DeviceContext:
    org_id: uuid.UUID
    terminal: Terminal
    protocol: int
    # Set on pushes authenticated from this process's memory of the credential: the push's
    # transaction checks it again against the locked device row (see ingest).
    credential_sha: str | None = None

    @property
    def terminal_id(self) -> uuid.UUID:
        return self.terminal.id


def unknown_terminal() -> Unauthorized:
    return Unauthorized(
        "This terminal is not enrolled (or its credential was replaced): enrol it again",
        code="terminal_unknown",
    )


def revoked_terminal() -> Unauthorized:
    return Unauthorized(
        "This terminal has been revoked by HQ. It can keep selling; its sales wait on it "
        "until a manager enrols it again.",
        code="terminal_revoked",
    )


def credential_problem(
    device: TerminalDevice | None, terminal: Terminal | None, credential_sha: str
) -> Unauthorized | None:
    """Why this credential does not admit the terminal, or None."""
    if device is None or terminal is None:
        return unknown_terminal()
    if not hmac.compare_digest(device.credential_hash, credential_sha):
        return unknown_terminal()
    if device.revoked_at is not None or terminal.status != "active":
        return revoked_terminal()
    return None


def _credential(request: Request) -> tuple[uuid.UUID, str]:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != SCHEME or "." not in credential:
        raise Unauthorized(
            "This is a terminal endpoint: send 'Authorization: Device <credential>'",
            code="device_credential_required",
        )
    terminal_part, _, secret = credential.strip().partition(".")
    try:
        return uuid.UUID(terminal_part), _hash(secret)
    except ValueError as exc:
        raise Unauthorized("Malformed device credential", code="terminal_unknown") from exc


def devices_with_terminals() -> Select[TerminalDevice, Terminal]:
    """Device credentials with their terminals: every credential check starts here."""
    return select(TerminalDevice, Terminal).join(
        Terminal,
        (Terminal.org_id == TerminalDevice.org_id) & (Terminal.id == TerminalDevice.terminal_id),
    )


def _verify(session: Session, terminal_id: uuid.UUID, sha: str, protocol: int) -> DeviceContext:
    row = session.execute(
        devices_with_terminals().where(TerminalDevice.terminal_id == terminal_id)
    ).first()
    device, terminal = (row[0], row[1]) if row is not None else (None, None)
    problem = credential_problem(device, terminal, sha)
    if problem is not None:
        raise problem
    assert terminal is not None
    return DeviceContext(org_id=terminal.org_id, terminal=detached(terminal), protocol=protocol)


def detached(terminal: Terminal) -> Terminal:
    """A copy belonging to no session: it outlives the request that loaded it (a device
    context is remembered across requests) and never expires."""
    return Terminal(
        org_id=terminal.org_id,
        id=terminal.id,
        code=terminal.code,
        name=terminal.name,
        location_id=terminal.location_id,
        status=terminal.status,
        created_at=terminal.created_at,
    )


def get_device(request: Request, session: SessionDep, protocol: ProtocolDep) -> DeviceContext:
    terminal_id, sha = _credential(request)
    return _verify(session, terminal_id, sha, protocol)


# A till with nothing to push still pulls every sync: that counts as being seen, at most
# once a minute (HQ's health list would otherwise show an idle, healthy till as gone).
SEEN_EVERY = dt.timedelta(minutes=1)


def note_contact(*, db_session: Session, device: DeviceContext) -> None:
    """Record that the terminal was in touch now (its pushes record it themselves)."""
    now = utcnow()
    result = db_session.execute(
        update(TerminalDevice)
        .where(
            TerminalDevice.org_id == device.org_id,
            TerminalDevice.terminal_id == device.terminal_id,
            or_(
                TerminalDevice.last_seen_at.is_(None),
                TerminalDevice.last_seen_at < now - SEEN_EVERY,
            ),
        )
        .values(last_seen_at=now, protocol_version=device.protocol)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        db_session.commit()


class KnownDevices:
    """Credentials this process has verified, so a push can skip its own lookup; and the
    lookups of pushes it does not know yet, made together: after a restart every terminal's
    first push needs one, and two hundred of them at once cost one query, not two hundred.

    Safe because a push never trusts this alone: its transaction locks the device row and
    checks the credential and the revocation again, so a revoked or replaced credential is
    refused at once all the same (and forgotten here). The lookup queue is only touched on
    the event loop's thread."""

    def __init__(self, max_size: int = 50_000) -> None:
        self._lock = threading.Lock()
        self._known: dict[uuid.UUID, tuple[str, DeviceContext]] = {}
        self._max = max_size
        self._pending: list[tuple[uuid.UUID, str, asyncio.Future[DeviceContext]]] = []
        self._drainer: asyncio.Task[None] | None = None

    def get(self, terminal_id: uuid.UUID, sha: str) -> DeviceContext | None:
        with self._lock:
            hit = self._known.get(terminal_id)
        return hit[1] if hit is not None and hmac.compare_digest(hit[0], sha) else None

    def remember(self, device: DeviceContext, sha: str) -> None:
        with self._lock:
            if len(self._known) >= self._max:
                self._known.clear()
            self._known[device.terminal_id] = (sha, device)

    def warm(self, session_factory: Callable[[], Session]) -> int:
        """Remember every live credential at once (a worker thread at start-up): after a
        restart, a crowd of tills reconnecting then pushes as it would to a warm process,
        not behind look-ups of its own. Returns how many were remembered."""
        with session_factory() as session:
            rows = session.execute(
                devices_with_terminals()
                .where(TerminalDevice.revoked_at.is_(None), Terminal.status == "active")
                .limit(self._max)
            ).all()
        for device, terminal in rows:
            self.remember(
                DeviceContext(org_id=terminal.org_id, terminal=detached(terminal), protocol=0),
                device.credential_hash,
            )
        return len(rows)

    def forget(self, terminal_id: uuid.UUID) -> None:
        with self._lock:
            self._known.pop(terminal_id, None)

    async def look_up(
        self, session_factory: Callable[[], Session], terminal_id: uuid.UUID, sha: str
    ) -> DeviceContext:
        found: asyncio.Future[DeviceContext] = asyncio.get_running_loop().create_future()
        self._pending.append((terminal_id, sha, found))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain(session_factory))
        return await asyncio.shield(found)

    async def _drain(self, session_factory: Callable[[], Session]) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    rows = await anyio.to_thread.run_sync(
                        _devices, session_factory, [t for t, _, _ in batch]
                    )
                except Exception as exc:
                    for _, _, found in batch:
                        if not found.done():
                            found.set_exception(exc)
                    continue
                for terminal_id, sha, found in batch:
                    device, terminal = rows.get(terminal_id, (None, None))
                    problem = credential_problem(device, terminal, sha)
                    if problem is not None:
                        found.set_exception(problem)
                        continue
                    assert terminal is not None
                    context = DeviceContext(
                        org_id=terminal.org_id, terminal=detached(terminal), protocol=0
                    )
                    self.remember(context, sha)
                    found.set_result(context)
        finally:
            self._drainer = None


def _devices(
    session_factory: Callable[[], Session], terminal_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[TerminalDevice, Terminal]]:
    with session_factory() as session:
        rows = session.execute(
            devices_with_terminals().where(TerminalDevice.terminal_id.in_(terminal_ids))
        ).all()
        return {device.terminal_id: (device, terminal) for device, terminal in rows}


async def get_pushing_device(request: Request) -> DeviceContext:
    """A push's terminal: from memory (on the event loop, no thread hop), or looked up with
    the other pushes waiting for theirs, in a session of its own that is closed at once (a
    push then waits for its group holding no connection).

    Called by the push route itself rather than as a FastAPI dependency: resolving the
    dependency chain cost more than everything else HQ does for a two-sale push."""
    protocol = protocol_version(request.headers.get(VERSION_HEADER))
    terminal_id, sha = _credential(request)
    known: KnownDevices = request.app.state.known_devices
    device = known.get(terminal_id, sha)
    if device is None:
        device = await known.look_up(request.app.state.session_factory, terminal_id, sha)
    return replace(device, protocol=protocol, credential_sha=sha)


DeviceDep = Annotated[DeviceContext, Depends(get_device)]


def enroll(
    *,
    db_session: Session,
    ctx: OrgContext,
    data: EnrollRequest,
    known: KnownDevices | None = None,
) -> EnrollResponse:
    """Register (or re-register) a terminal and issue its credential.

    Enrolling an existing terminal code again (a replaced till) rotates the credential and
    tells the till where its numbers stand, so a fresh database continues the seq and the
    receipt numbers instead of colliding with what HQ already has.
    """
    loc = inventory_service.get_location(
        db_session=db_session, org_id=ctx.org_id, location_id=data.location_id
    )
    if loc.kind != "store":
        raise Unprocessable("Terminals stand in stores, not warehouses", code="not_a_store")
    terminal = db_session.scalars(
        select(Terminal).where(Terminal.org_id == ctx.org_id, Terminal.code == data.code)
    ).first()
    if terminal is None:
        terminal = Terminal(
            org_id=ctx.org_id, code=data.code, name=data.name, location_id=data.location_id
        )
        db_session.add(terminal)
        db_session.flush()
    elif terminal.location_id != data.location_id:
        raise Conflict(
            f"Terminal {data.code} stands in another store; pick another code",
            code="terminal_code_taken",
        )
    terminal.status = "active"
    terminal.name = data.name
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    device = db_session.get(TerminalDevice, (ctx.org_id, terminal.id))
    if device is None:
        device = TerminalDevice(org_id=ctx.org_id, terminal_id=terminal.id, last_seq=0)
        db_session.add(device)
    device.credential_hash = _hash(secret)
    device.issued_at = now
    device.issued_by = ctx.user_id
    device.revoked_at = None
    db_session.flush()
    last_receipt = db_session.scalar(
        select(func.coalesce(func.max(Sale.receipt_no), 0)).where(
            Sale.org_id == ctx.org_id, Sale.terminal_id == terminal.id
        )
    )
    last_z = db_session.scalar(
        select(func.coalesce(func.max(Shift.z_number), 0)).where(
            Shift.org_id == ctx.org_id, Shift.terminal_id == terminal.id
        )
    )
    response = EnrollResponse(
        org_id=ctx.org_id,
        terminal_id=terminal.id,
        terminal_code=terminal.code,
        location_id=terminal.location_id,
        credential=f"{terminal.id}.{secret}",
        issued_at=now,
        last_seq=device.last_seq,
        last_receipt_no=int(last_receipt or 0),
        last_z_number=int(last_z or 0),
    )
    db_session.commit()
    if known is not None:  # the till's first push then finds this process knowing it
        known.remember(
            DeviceContext(org_id=ctx.org_id, terminal=detached(terminal), protocol=0),
            device.credential_hash,
        )
    return response
