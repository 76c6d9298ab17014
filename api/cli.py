"""The `contractflow` command: serve the API, manage users, draw the lifecycles."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

import uvicorn
from eventsourcing.cryptography import AESCipher
from tqdm import tqdm

from api import cli_audit, scale_out
from api.app import create_app
from api.demo import DEMO_USERS, create_demo_users, seed_demo_data
from api.settings import Settings
from api.storage import StoreLockedError, open_application, redacted
from api.users import UserDirectory, UsersFileError, add_user
from domain.contracts.amendments import AMENDMENT_LIFECYCLE
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from projections.rebuild import rebuild
from projections.runtime import Projections


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsersFileError, StoreLockedError) as error:
        print(f"contractflow: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="contractflow", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API processes (PostgreSQL only; one more process then applies the views)",
    )
    serve.add_argument(
        "--demo", action="store_true", help="create demo users and data; print their tokens"
    )
    serve.set_defaults(run=_serve)

    users = commands.add_parser("users", help="manage the users file").add_subparsers(
        required=True, metavar="ACTION"
    )
    add = users.add_parser("add", help="add a user and print their token once")
    add.add_argument("user_id", metavar="ID")
    add.add_argument("--name", required=True)
    add.add_argument("--role", dest="roles", action="append", required=True)
    add.set_defaults(run=_users_add)

    projections = commands.add_parser("projections", help="operate the read models")
    actions = projections.add_subparsers(required=True, metavar="ACTION")
    actions.add_parser("status", help="position and lag of each view").set_defaults(
        run=_projections_status
    )
    rebuild_parser = actions.add_parser(
        "rebuild", help="replay into fresh tables, compare with the live view, switch if equal"
    )
    rebuild_parser.add_argument("name", nargs="?", help="one view (default: all)")
    rebuild_parser.add_argument(
        "--force", action="store_true", help="switch even when they differ (a fixed projection)"
    )
    rebuild_parser.set_defaults(run=_projections_rebuild)
    actions.add_parser(
        "run",
        help="apply new events until stopped (API started with CONTRACTFLOW_PROJECTIONS=external)",
    ).set_defaults(run=_projections_run)

    cli_audit.register(commands, _projections)

    keys = commands.add_parser("keys", help="encryption keys").add_subparsers(
        required=True, metavar="ACTION"
    )
    keys.add_parser("new", help="print a fresh key for CONTRACTFLOW_ENCRYPTION_KEY").set_defaults(
        run=_keys_new
    )

    diagram = commands.add_parser("diagram", help="print a lifecycle as a Mermaid diagram")
    diagram.add_argument("lifecycle", choices=sorted(LIFECYCLES), nargs="?", default="contract")
    diagram.set_defaults(run=_diagram)
    return parser


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    url = f"http://{args.host}:{args.port}/"
    if args.workers > 1 and (why := scale_out.refusal(settings)):
        print(f"contractflow: {why}", file=sys.stderr)
        return 2
    if args.demo:
        _prepare_demo(settings, url)
    directory = UserDirectory.load(settings.users_file)
    print(
        f"contractflow on {url}  (API docs: {url}docs; store: {redacted(settings.database_url)};"
        f" {args.workers} API process(es))",
        file=sys.stderr,
    )
    if args.workers > 1:  # each process builds its own app from the environment
        scale_out.serve(settings, args.host, args.port, args.workers)
    else:
        app = create_app(settings, directory)
        # The app logs one JSON line per request (api.observer): uvicorn's would repeat it.
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)
    return 0


def _prepare_demo(settings: Settings, url: str) -> None:
    tokens = create_demo_users(settings.users_file)
    application = open_application(settings)
    try:
        created = seed_demo_data(application)
    finally:
        application.close()
    print(f"demo: {created} contracts seeded" if created else "demo: data already present")
    print(f"\nOpen {url} in a browser and sign in as one of these demo users")
    print(f"(user, token; tokens are shown once, their digests are in {settings.users_file}):\n")
    for user_id, token in tokens.items():
        name, roles = DEMO_USERS[user_id]
        print(f"  {user_id:<12} {token}   {name} · {', '.join(roles)}")
    print()


def _users_add(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    token = add_user(settings.users_file, args.user_id, args.name, args.roles)
    print(f"added {args.user_id} to {settings.users_file}; token (shown once):")
    print(token)
    return 0


def _projections_status(args: argparse.Namespace) -> int:
    with _projections() as views:
        print(f"log position {views.head()}")
        for name, figures in views.status().items():
            stuck = f"  STOPPED before {figures['stuck']}" if figures["stuck"] else ""
            print(
                f"  {name:<12} position {figures['position']:>10}  lag {figures['lag']:>8}{stuck}"
            )
    return 0


def _projections_rebuild(args: argparse.Namespace) -> int:
    with _projections() as views:
        with tqdm(total=views.head(), desc="registering customers", disable=None) as bar:
            registered = views.app.customers.register_from_contracts(done=bar.update)
        print(f"customers: {registered} registered from the contracts that name them")
        names = [args.name] if args.name else list(views.views)
        unknown = set(names) - set(views.views)
        if unknown:
            print(f"contractflow: no view {sorted(unknown)}; views: {sorted(views.views)}")
            return 2
        failed = False
        for name in names:
            with tqdm(total=views.head(), desc=f"rebuilding {name}", disable=None) as bar:
                result = rebuild(views.app, views.views[name], force=args.force, done=bar.update)
            rate = result.position / max(result.replay_seconds, 1e-9)
            verdict = "identical" if result.identical else "DIFFERENT"
            print(
                f"{name}: {verdict} at position {result.position} ({rate:,.0f} events/s); "
                f"{'switched over' if result.switched else 'live view kept'}"
            )
            for difference in result.differences:
                print(f"  {difference}")
            failed |= not result.identical
    return 1 if failed else 0


def _projections_run(args: argparse.Namespace) -> int:
    with _projections() as views:
        signal.signal(signal.SIGTERM, lambda *_: views.interrupt())
        print("applying events; Ctrl-C to stop", file=sys.stderr)
        with suppress(KeyboardInterrupt):
            views.run(side_by_side=True)
    return 0


@contextmanager
def _projections(settings: Settings | None = None) -> Iterator[Projections]:
    settings = settings or Settings.from_env()
    application = open_application(settings)
    views = Projections(application, batch_size=settings.projection_batch)
    try:
        yield views
    finally:
        views.stop()
        application.close()


def _keys_new(args: argparse.Namespace) -> int:
    print(AESCipher.create_key(32))
    return 0


LIFECYCLES = {"contract": CONTRACT_LIFECYCLE, "amendment": AMENDMENT_LIFECYCLE}


def _diagram(args: argparse.Namespace) -> int:
    print(LIFECYCLES[args.lifecycle].mermaid(title=args.lifecycle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
