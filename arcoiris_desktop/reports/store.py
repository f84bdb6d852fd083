"""The whole store's takings, from HQ: what the manager's takings screen shows beside this
till's own figures when the till is online.

A till holds only its own sales, so the store's (every till of it) can only come from HQ,
which sums them with the same definition of each figure (``arcoiris_shared.takings``) and
says how fresh its copy is (``as_of``: the newest push it had from any of the store's
tills). Offline, not enrolled, or HQ in trouble: ``StoreUnavailable`` with a sentence for
the screen, which then shows this till's own figures alone. No Qt, no database writes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import NamedTuple, Protocol, runtime_checkable

from pydantic import ValidationError

from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.reports.takings import Period
from arcoiris_desktop.sync.client import (
    CredentialRefused,
    Offline,
    ProtocolRefused,
    SyncError,
)
from arcoiris_shared.takings import Figures
from arcoiris_shared.takings_wire import MAX_DAYS, StoreTakingsWire, figures_from_wire


class StoreUnavailable(Exception):
    """HQ's store figures cannot be had now; ``str()`` is a sentence for staff."""


class _Asks(Protocol):
    def store_takings(self, first: dt.date, last: dt.date) -> StoreTakingsWire: ...

    def close(self) -> None: ...


@runtime_checkable
class _EngineLike(Protocol):
    def server_url(self) -> str | None: ...


class _Engine(Protocol):
    """What of ``SyncEngine`` this needs: where HQ is, the credential, a client."""

    @property
    def credentials(self) -> _Credentials: ...

    @property
    def client_factory(self) -> Callable[[str, str | None], _Asks]: ...

    def server_url(self) -> str | None: ...


class _Credentials(Protocol):
    def load(self) -> str | None: ...


class StoreTakings(NamedTuple):
    """HQ's answer as the screen uses it; unpacks as ``(figures, compared, as_of, names)``."""

    figures: Figures
    compared: Figures
    as_of: dt.datetime | None  # the newest push HQ had from any till of the store
    names: dict[uuid.UUID, str]  # cashier id -> full name, for ``figures.by_cashier``


def _client(source: _Engine | _Asks) -> tuple[_Asks, bool]:
    """A client to ask with, and whether it is ours to close."""
    if not isinstance(source, _EngineLike):
        return source, False
    url = source.server_url()
    credential = source.credentials.load()
    if url is None or credential is None:
        raise StoreUnavailable(
            "This till is not connected to HQ yet, so only its own takings can be shown."
        )
    return source.client_factory(url, credential), True


def store_takings(
    engine_or_client: _Engine | _Asks, config: TerminalConfig, period: Period
) -> StoreTakings:
    """HQ's figures for this till's whole store over ``period``'s local days (a shift's
    period asks for its days: a shift is one till's, the store has none) and the same days
    whole weeks earlier. Unpacks as ``(figures, compared, as_of, names)``.

    Raises ``StoreUnavailable`` offline, when the till is not (or no longer) enrolled, when
    HQ refuses or fails, or answers for another store."""
    if (period.last - period.first).days + 1 > MAX_DAYS:
        raise StoreUnavailable(f"HQ sums at most {MAX_DAYS} days at a time; pick fewer days.")
    client, ours = _client(engine_or_client)
    try:
        answer = client.store_takings(period.first, period.last)
    except Offline as exc:
        raise StoreUnavailable(
            "HQ cannot be reached just now, so only this till's own takings are shown."
        ) from exc
    except (CredentialRefused, ProtocolRefused) as exc:
        raise StoreUnavailable(
            "HQ does not accept this till at the moment (ask a manager to enrol it again), "
            "so only its own takings are shown."
        ) from exc
    except SyncError as exc:
        raise StoreUnavailable(
            "HQ could not give the store's takings just now; try again in a minute."
        ) from exc
    except ValidationError as exc:
        raise StoreUnavailable(
            "HQ's answer could not be read (is the till's software older than HQ's?)."
        ) from exc
    finally:
        if ours:
            client.close()
    if answer.location_id != config.location_id:
        raise StoreUnavailable("HQ answered for another store; the till's setup needs a look.")
    return StoreTakings(
        figures=figures_from_wire(answer.figures),
        compared=figures_from_wire(answer.compared),
        as_of=answer.as_of,
        names=dict(answer.names),
    )
