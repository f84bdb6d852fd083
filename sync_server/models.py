"""Every server model, imported in one place so the metadata is complete (Alembic, tests)."""

from arcoiris_shared.db import tables as mirrored
from arcoiris_shared.db.base import Base
from sync_server.accounting import models as accounting
from sync_server.changelog import models as changelog
from sync_server.org import models as org
from sync_server.sync import models as sync

metadata = Base.metadata

__all__ = ["Base", "accounting", "changelog", "metadata", "mirrored", "org", "sync"]
