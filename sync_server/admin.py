"""``arcoiris-admin``: set up a server database, orgs, users and the demo data.

    arcoiris-admin init-db
    arcoiris-admin create-user --email a@b.example --name "Ana" --password ...
    arcoiris-admin create-org --name "My Shop" --owner-email a@b.example --currency EUR
    arcoiris-admin seed-demo

``DATABASE_URL`` (environment or ``.env``) names the database; ``--database-url`` overrides.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import uuid
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from sync_server.config import Settings
from sync_server.db import ensure_database, make_engine, make_session_factory
from sync_server.errors import AppError

logger = logging.getLogger(__name__)


def _settings(args: argparse.Namespace) -> Settings:
    if args.database_url:
        return Settings(database_url=args.database_url)
    return Settings()


def _session(settings: Settings) -> Session:
    return make_session_factory(make_engine(settings))()


def cmd_init_db(args: argparse.Namespace) -> int:
    from sync_server.migrate import upgrade

    settings = _settings(args)
    if ensure_database(settings.sqlalchemy_url):
        print("created database")
    engine = make_engine(settings)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    print("database is at the latest schema (core, acct, inv, pos)")
    return 0


def _password(given: str | None, prompt: str) -> str:
    if given:
        return given
    from_env = os.environ.get("ARCOIRIS_PASSWORD")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise SystemExit("no password: pass --password or set ARCOIRIS_PASSWORD")
    return getpass.getpass(prompt)


def cmd_create_user(args: argparse.Namespace) -> int:
    from sync_server.org import repository as org_repository
    from sync_server.org import service as org_service
    from sync_server.org.schemas import MemberCreate

    # Reuse the API's validation so the CLI accepts exactly what the API accepts.
    data = MemberCreate(
        email=args.email,
        full_name=args.name,
        role=args.role,
        password=_password(args.password, "Password: "),
        pin=args.pin,
    )
    with _session(_settings(args)) as session:
        user = org_repository.user_by_email(session, email=data.email)
        if user is None:
            assert data.password is not None
            user = org_service.stage_user(
                db_session=session,
                email=data.email,
                full_name=data.full_name,
                password=data.password,
            )
            print(f"created user {user.id} <{user.email}>")
        if args.org_id:
            from sync_server.org.models import Organization

            try:
                org_id = uuid.UUID(args.org_id)
            except ValueError:
                raise SystemExit(f"error: --org-id {args.org_id!r} is not a UUID") from None
            if session.get(Organization, org_id) is None:
                raise SystemExit(f"error: no organization {org_id}")
            org_service.stage_membership(
                db_session=session,
                org_id=org_id,
                user=user,
                role=data.role,
                pin=data.pin,
            )
            print(f"added as {data.role} to org {args.org_id}")
        session.commit()
    return 0


def cmd_create_org(args: argparse.Namespace) -> int:
    from sync_server.org import repository as org_repository
    from sync_server.org import service as org_service
    from sync_server.org.schemas import OrgCreate

    data = OrgCreate(
        name=args.name,
        slug=args.slug,
        currency=args.currency,
        locale=args.locale,
        timezone=args.timezone,
    )
    with _session(_settings(args)) as session:
        owner = org_repository.user_by_email(session, email=args.owner_email)
        if owner is None:
            raise SystemExit(f"no user {args.owner_email}: create it first with create-user")
        org = org_service.create_org(db_session=session, owner=owner, data=data)
    print(f"created org {org.id} ({org.slug}); owner {args.owner_email}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from arcoiris_shared.demo import DEMO_STAFF
    from sync_server.demo import seed_demo

    with _session(_settings(args)) as session:
        result = seed_demo(db_session=session, items=args.items)
    if result.created:
        print(f"demo org {result.org_id} created with {result.items} items")
    else:
        print(f"demo org {result.org_id} already exists; left as it is")
    print(f"X-Org-ID: {result.org_id}")
    for s in DEMO_STAFF:
        print(f"  {s.role:8} {s.email:28} password {s.password:18} PIN {s.pin}")
    return 0


def cmd_prune_catalog_log(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from sync_server.changelog import service as changelog
    from sync_server.org.models import Organization

    if args.keep < 0:
        raise SystemExit("--keep must be 0 or more")
    with _session(_settings(args)) as session:
        for org_id, name in session.execute(select(Organization.id, Organization.name)).all():
            floor = changelog.prune(session, org_id=org_id, keep=args.keep)
            session.commit()
            print(f"{name} ({org_id}): tills with a cursor below {floor} take a snapshot")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arcoiris-admin", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init-db", help="create the database if missing and migrate it to head")
    p.set_defaults(func=cmd_init_db)

    p = sub.add_parser("create-user", help="create a user, optionally a member of an org")
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--password", help="or ARCOIRIS_PASSWORD, or asked for")
    p.add_argument("--org-id")
    p.add_argument("--role", default="cashier", choices=("owner", "manager", "cashier"))
    p.add_argument("--pin", help="4-8 digits, to unlock a till")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("create-org", help="create an org owned by an existing user")
    p.add_argument("--name", required=True)
    p.add_argument("--owner-email", required=True)
    p.add_argument("--slug")
    p.add_argument("--currency", default="EUR")
    p.add_argument("--locale", default="en_US")
    p.add_argument("--timezone", default="UTC")
    p.set_defaults(func=cmd_create_org)

    p = sub.add_parser("seed-demo", help="create the demo org, staff, catalog and stock")
    p.add_argument("--items", type=int, default=3_000)
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser(
        "prune-catalog-log",
        help="forget catalog changes older than the newest KEEP versions (older tills re-snapshot)",
    )
    p.add_argument("--keep", type=int, default=100_000, help="versions of changes to keep")
    p.set_defaults(func=cmd_prune_catalog_log)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            print(f"error: {field}: {err['msg']}", file=sys.stderr)
        return 2
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(f"error: cannot reach the database: {exc.orig}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        # An operator gets one line; the detail goes to the log at debug level.
        logger.debug("database error", exc_info=exc)
        print(f"error: the database refused the change ({type(exc).__name__})", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
