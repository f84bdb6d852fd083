"""HTTP to the sync server (httpx), with every failure turned into one of a few kinds the
engine knows how to handle: offline, transient, refused credential, unsupported protocol,
batch too large, conflict."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, TypeVar

import httpx
import orjson

from arcoiris_shared.sync_protocol import (
    PROTOCOL_VERSION,
    VERSION_HEADER,
    EnrollRequest,
    EnrollResponse,
    MetaResponse,
    Op,
    PullResponse,
    PushResponse,
    SnapshotPage,
    StockPage,
)
from arcoiris_shared.takings_wire import StoreTakingsWire

logger = logging.getLogger(__name__)

_Page = TypeVar("_Page", SnapshotPage, StockPage)

TIMEOUT = httpx.Timeout(connect=3.0, read=20.0, write=20.0, pool=3.0)


class SyncError(Exception):
    """Something kept this sync from finishing. ``retry`` says whether trying again soon can
    help; the till keeps selling either way."""

    retry = True


class Offline(SyncError):
    pass


class ServerTrouble(SyncError):
    pass


class CredentialRefused(SyncError):
    retry = False


class ProtocolRefused(SyncError):
    retry = False


class BatchTooLarge(SyncError):
    pass


class RequestRefused(SyncError):
    """HQ says the request itself is wrong (4xx): sending it again as it is cannot help,
    so a person is told (the engine still tries again now and then: HQ may be fixed)."""

    retry = False


class OpTooLarge(SyncError):
    """One op alone is more than HQ takes in a push: halving cannot help."""

    retry = False


class QueueConflict(SyncError):
    """HQ holds different ops under our seqs: a person must look. Nothing is deleted."""

    retry = False


def _message(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
        return str(error.get("message") or response.text[:200])
    except ValueError:
        return response.text[:200] or response.reason_phrase


class SyncClient:
    def __init__(self, base_url: str, credential: str | None, *, transport: Any = None) -> None:
        headers = {VERSION_HEADER: str(PROTOCOL_VERSION)}
        if credential:
            headers["Authorization"] = f"Device {credential}"
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=TIMEOUT, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise Offline(f"the server did not answer in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise Offline(f"cannot reach the server ({type(exc).__name__})") from exc
        status = response.status_code
        if status < 300:
            return orjson.loads(response.content)
        message = _message(response)
        if status == 401:
            raise CredentialRefused(message)
        if status == 426:
            raise ProtocolRefused(message)
        if status == 413:
            raise BatchTooLarge(message)
        if status == 409:
            raise QueueConflict(message)
        if status >= 500 or status in (408, 429):
            raise ServerTrouble(f"server error {status}: {message}")
        raise RequestRefused(f"the server refused the request ({status}): {message}")

    def meta(self) -> MetaResponse:
        return MetaResponse.model_validate(self._call("GET", "/api/sync/meta"))

    def push(self, ops: list[Op]) -> PushResponse:
        # Serialised by orjson straight from the ops (already validated as they were built):
        # a 500-op batch of a week's backlog took ~30 ms through model_dump and json.dumps.
        body = orjson.dumps(
            {
                "ops": [
                    {
                        "seq": op.seq,
                        "op_id": op.op_id,
                        "kind": op.kind,
                        "occurred_at": op.occurred_at,
                        "payload": op.payload,
                    }
                    for op in ops
                ]
            },
            default=str,
        )
        return PushResponse.model_validate(
            self._call(
                "POST",
                "/api/sync/push",
                content=body,
                headers={"Content-Type": "application/json"},
            )
        )

    def pull(self, cursor: int, limit: int, schema: int | None = None) -> PullResponse:
        params = {"cursor": cursor, "limit": limit}
        if schema is not None:
            params["schema"] = schema
        data = self._call("GET", "/api/sync/pull", params=params)
        return PullResponse.model_validate(data)

    def snapshot(self, entity: str, after: str | None, limit: int) -> SnapshotPage:
        params: dict[str, Any] = {"entity": entity, "limit": limit}
        if after is not None:
            params["after"] = after
        data = self._call("GET", "/api/sync/snapshot", params=params)
        return _with_rows(SnapshotPage, data, "rows")

    def stock(self, since: str | None, limit: int) -> StockPage:
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        data = self._call("GET", "/api/sync/stock", params=params)
        return _with_rows(StockPage, data, "levels")

    def store_takings(self, first: dt.date, last: dt.date) -> StoreTakingsWire:
        """HQ's figures for this terminal's whole store (every till of it), local days
        ``first`` to ``last``, with the comparison weeks and how fresh HQ's copy is."""
        data = self._call(
            "GET",
            "/api/sync/takings",
            params={"first": first.isoformat(), "last": last.isoformat()},
        )
        return StoreTakingsWire.model_validate(data)


def _with_rows(model: type[_Page], data: Any, field: str) -> _Page:
    """A page validated as ``model``, its thousands of rows only checked to be JSON objects
    and kept as parsed: the till checks each field as it stores it (apply), and validating
    every row into new dicts first was seconds of a large pull."""
    rows = data.get(field) if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(type(row) is dict for row in rows):
        return model.model_validate(data)  # says what is wrong
    page = model.model_validate({**data, field: []})
    setattr(page, field, rows)
    return page


def enroll(
    base_url: str,
    *,
    email: str,
    password: str,
    store_code: str,
    terminal_code: str,
    terminal_name: str,
    org_id: str | None = None,
    transport: Any = None,
) -> EnrollResponse:
    """A manager's sign-in, their store by code, and the terminal registered there."""
    with httpx.Client(base_url=base_url.rstrip("/"), timeout=TIMEOUT, transport=transport) as http:

        def call(method: str, path: str, **kwargs: Any) -> Any:
            try:
                response = http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                raise Offline(f"cannot reach {base_url} ({type(exc).__name__})") from exc
            if response.status_code >= 300:
                raise SyncError(_message(response))
            return response.json()

        login = call("POST", "/api/auth/login", json={"email": email, "password": password})
        memberships = login["memberships"]
        chosen = [m for m in memberships if org_id is None or m["org_id"] == org_id]
        if len(chosen) != 1:
            names = ", ".join(f"{m['org_name']} ({m['org_id']})" for m in memberships)
            raise SyncError(f"choose the organization: {names or 'none'}")
        headers = {
            "Authorization": f"Bearer {login['access_token']}",
            "X-Org-ID": chosen[0]["org_id"],
            VERSION_HEADER: str(PROTOCOL_VERSION),
        }
        stores = call("GET", "/api/inventory/locations", params={"limit": 500}, headers=headers)
        store = next((s for s in stores["items"] if s["code"] == store_code), None)
        if store is None:
            codes = ", ".join(s["code"] for s in stores["items"] if s["kind"] == "store")
            raise SyncError(f"no store {store_code!r}; this organization has: {codes}")
        request = EnrollRequest(location_id=store["id"], code=terminal_code, name=terminal_name)
        data = call(
            "POST", "/api/sync/enroll", json=request.model_dump(mode="json"), headers=headers
        )
        return EnrollResponse.model_validate(data)
