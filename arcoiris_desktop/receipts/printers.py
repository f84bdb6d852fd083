"""Where receipt bytes go: a file, a network printer or a USB printer.

Printing is a separate step the caller runs after the sale is committed (design
invariant 1), so nothing here can affect a sale: every failure of any kind of printer
(unreachable host, no USB device, permission denied, disk full) comes out as a
:class:`PrinterError` whose message is one line a cashier can read, and every wait is
short (no retries; a few seconds of timeout at most), so a dead printer costs the
cashier a banner and a reprint, never a frozen till.

The network and USB printers use python-escpos's device classes for the connection and
send the bytes already rendered by :mod:`~arcoiris_desktop.receipts.escpos_render`
through their raw send. python-escpos is imported only when such a printer sends.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "FilePrinter",
    "NetworkPrinter",
    "PrinterError",
    "ReceiptPrinter",
    "UsbPrinter",
    "printer_from_config",
]

logger = logging.getLogger(__name__)

DEFAULT_NETWORK_TIMEOUT = 3.0
"""Seconds to wait for a network printer to accept the connection and each write."""

DEFAULT_USB_TIMEOUT = 3.0
"""Seconds to wait for a USB write (python-escpos's own default, 0, waits for ever)."""


class PrinterError(Exception):
    """A receipt could not be printed; ``str(error)`` is one line for the cashier."""


@runtime_checkable
class ReceiptPrinter(Protocol):
    """Something that takes a whole print job at once."""

    @property
    def name(self) -> str:
        """How the printer is shown to the cashier ("192.168.1.50:9100")."""
        ...

    def send(self, data: bytes) -> None:
        """Print ``data``; :class:`PrinterError` if it cannot."""
        ...


class FilePrinter:
    """Appends each job to a file, creating its folders: the default with no printer set.

    Also fits a printer that the operating system shows as a device file
    (``/dev/usb/lp0``).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @property
    def name(self) -> str:
        return str(self.path)

    def send(self, data: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as file:
                file.write(data)
        except OSError as exc:
            raise PrinterError(
                f"Could not write the receipt to {self.path}: {_reason(exc)}"
            ) from exc

    def __repr__(self) -> str:
        return f"FilePrinter({str(self.path)!r})"


class NetworkPrinter:
    """A printer listening for raw ESC/POS on a TCP port (9100 on nearly all of them)."""

    def __init__(
        self, host: str, port: int = 9100, timeout: float = DEFAULT_NETWORK_TIMEOUT
    ) -> None:
        if not host:
            raise ValueError("a network printer needs a host")
        if not 0 < port < 65536:
            raise ValueError(f"port must be between 1 and 65535, got {port}")
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self.host = host
        self.port = port
        self.timeout = timeout

    @property
    def name(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def send(self, data: bytes) -> None:
        from escpos.printer import Network

        # The connection is opened here rather than by Network.open(), which drops the
        # socket unclosed when the connection fails and knows IPv4 only.
        try:
            connection = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            logger.info("Printer %s did not answer: %s", self.name, exc)
            raise PrinterError(f"Printer {self.name} did not answer") from exc
        device = Network(host=self.host, port=self.port, timeout=self.timeout)
        device.device = connection
        try:
            device._raw(data)
        except OSError as exc:
            logger.info("Printer %s failed while printing: %s", self.name, exc)
            raise PrinterError(f"Printer {self.name} stopped answering while printing") from exc
        finally:
            device.close()

    def __repr__(self) -> str:
        return f"NetworkPrinter({self.host!r}, {self.port}, timeout={self.timeout})"


class UsbPrinter:
    """A printer on USB, found by its vendor and product id (``lsusb`` shows them)."""

    def __init__(
        self, vendor_id: int, product_id: int, *, timeout: float = DEFAULT_USB_TIMEOUT
    ) -> None:
        for what, value in (("vendor_id", vendor_id), ("product_id", product_id)):
            if not 0 < value <= 0xFFFF:
                raise ValueError(f"{what} must be between 0x0001 and 0xFFFF, got {value:#x}")
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.timeout = timeout

    @property
    def name(self) -> str:
        return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"

    def send(self, data: bytes) -> None:
        from escpos.exceptions import Error as EscposError
        from escpos.printer import Usb

        if not Usb.is_usable():
            # Checked before Usb() is built: without pyusb its destructor raises.
            raise PrinterError(f"{self.name}: USB printing is not installed on this till")
        device: Any = Usb(
            idVendor=self.vendor_id,
            idProduct=self.product_id,
            timeout=round(self.timeout * 1000),  # pyusb counts milliseconds
        )
        # python-escpos reports a missing device with ``assert``, and pyusb's errors are
        # OSErrors, ValueErrors (no libusb backend) or RuntimeErrors.
        failures = (EscposError, OSError, ValueError, RuntimeError, AssertionError)
        try:
            try:
                device.open()
                found = device.device is not None
            except failures as exc:
                raise self._error(exc, "is not connected") from exc
            if not found:
                raise PrinterError(f"{self.name} is not connected")
            try:
                device._raw(data)
            except failures as exc:
                raise self._error(exc, "stopped answering while printing") from exc
        finally:
            try:
                device.close()
            except failures as exc:
                logger.debug("Closing %s failed: %s", self.name, exc)

    def _error(self, exc: BaseException, what: str) -> PrinterError:
        logger.info("%s failed: %r", self.name, exc)
        if _errno(exc) in (errno.EACCES, errno.EPERM) or "Access denied" in str(exc):
            return PrinterError(f"No permission to use {self.name}")
        return PrinterError(f"{self.name} {what}")

    def __repr__(self) -> str:
        return f"UsbPrinter({self.vendor_id:#06x}, {self.product_id:#06x})"


def printer_from_config(
    config: Mapping[str, str], *, default_path: Path | None = None
) -> ReceiptPrinter:
    """The printer that a settings dictionary describes.

    Keys: ``kind`` (``file``, ``network`` or ``usb``; ``file`` when missing or empty)
    and the kind's options:

    * file: ``path`` (``default_path`` when missing);
    * network: ``host``, ``port`` (9100), ``timeout`` in seconds;
    * usb: ``vendor_id`` and ``product_id`` in hexadecimal as ``lsusb`` shows them
      (``04b8`` or ``0x04b8``), ``timeout`` in seconds.

    Other keys are ignored. ``ValueError`` with a message naming the setting when the
    configuration is wrong.
    """
    kind = (config.get("kind") or "file").strip().lower()
    if kind == "file":
        path = config.get("path") or default_path
        if not path:
            raise ValueError("receipt printer kind 'file' needs a 'path'")
        return FilePrinter(path)
    if kind == "network":
        host = (config.get("host") or "").strip()
        if not host:
            raise ValueError("receipt printer kind 'network' needs a 'host'")
        return NetworkPrinter(
            host,
            port=_int_setting(config, "port", 9100, base=10),
            timeout=_float_setting(config, "timeout", DEFAULT_NETWORK_TIMEOUT),
        )
    if kind == "usb":
        for key in ("vendor_id", "product_id"):
            if not config.get(key):
                raise ValueError(f"receipt printer kind 'usb' needs a '{key}'")
        return UsbPrinter(
            _int_setting(config, "vendor_id", 0, base=16),
            _int_setting(config, "product_id", 0, base=16),
            timeout=_float_setting(config, "timeout", DEFAULT_USB_TIMEOUT),
        )
    raise ValueError(
        f"unknown receipt printer kind {config.get('kind')!r}: use 'file', 'network' or 'usb'"
    )


def _int_setting(config: Mapping[str, str], key: str, default: int, *, base: int) -> int:
    raw = (config.get(key) or "").strip()
    if not raw:
        return default
    try:
        return int(raw, base)
    except ValueError:
        kind = "hexadecimal number" if base == 16 else "number"
        raise ValueError(f"receipt printer setting {key!r} must be a {kind}, got {raw!r}") from None


def _float_setting(config: Mapping[str, str], key: str, default: float) -> float:
    raw = (config.get(key) or "").strip()
    if not raw:
        return default
    try:
        return float(raw)  # a timeout in seconds, not money
    except ValueError:
        raise ValueError(f"receipt printer setting {key!r} must be a number, got {raw!r}") from None


def _errno(exc: BaseException) -> int | None:
    value = getattr(exc, "errno", None) or getattr(exc, "backend_error_code", None)
    return value if isinstance(value, int) else None


def _reason(exc: OSError) -> str:
    # "No space left on device", "Permission denied": the OS's words, without the path
    # and errno number that str(exc) adds.
    return exc.strerror or str(exc) or type(exc).__name__
