"""Where the device credential lives: the OS keyring. Only where no keyring exists (a CI
machine, a bare kiosk) a file readable by this user alone, and the log says so."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

SERVICE = "ArcoirisPOS"


def _account(data_dir: Path) -> str:
    # One till per data folder: the folder names the keyring entry.
    return "terminal-" + hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]


def _keyring_usable() -> bool:
    if os.environ.get("ARCOIRIS_CREDENTIAL_STORE") == "file":
        return False
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # a broken keyring install is a missing keyring
        return False


class CredentialStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.account = _account(data_dir)
        self.file = data_dir / "device-credential"
        self.uses_keyring = _keyring_usable()
        if not self.uses_keyring:
            logger.warning(
                "no OS keyring here: the device credential is kept in %s (mode 600)", self.file
            )

    def save(self, credential: str) -> None:
        if self.uses_keyring:
            import keyring

            keyring.set_password(SERVICE, self.account, credential)
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(credential)
        os.replace(tmp, self.file)

    def load(self) -> str | None:
        if self.uses_keyring:
            import keyring

            return keyring.get_password(SERVICE, self.account)
        try:
            return self.file.read_text(encoding="ascii").strip() or None
        except FileNotFoundError:
            return None

    def forget(self) -> None:
        if self.uses_keyring:
            import keyring
            from keyring.errors import PasswordDeleteError

            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(SERVICE, self.account)
            return
        self.file.unlink(missing_ok=True)
