"""The `contractflow` command: serve the API, manage users, draw the lifecycles."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from api.app import create_app
from api.demo import create_demo_users, seed_demo_data
from api.settings import Settings
from api.storage import open_application
from api.users import UserDirectory, UsersFileError, add_user
from domain.contract_lifecycle import CONTRACT_LIFECYCLE


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except UsersFileError as error:
        print(f"contractflow: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="contractflow", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
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

    diagram = commands.add_parser("diagram", help="print a lifecycle as a Mermaid diagram")
    diagram.add_argument("lifecycle", choices=["contract"], nargs="?", default="contract")
    diagram.set_defaults(run=_diagram)
    return parser


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.demo:
        _prepare_demo(settings)
    app = create_app(settings, UserDirectory.load(settings.users_file))
    print(
        f"contractflow on http://{args.host}:{args.port}  (docs: /docs, store: "
        f"{settings.database_url})",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def _prepare_demo(settings: Settings) -> None:
    tokens = create_demo_users(settings.users_file)
    application = open_application(settings)
    try:
        created = seed_demo_data(application)
    finally:
        application.close()
    print(f"demo: {created} contracts seeded" if created else "demo: data already present")
    print(f"demo users (tokens shown once; digests in {settings.users_file}):")
    for user_id, token in tokens.items():
        print(f"  {user_id:<12} {token}")


def _users_add(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    token = add_user(settings.users_file, args.user_id, args.name, args.roles)
    print(f"added {args.user_id} to {settings.users_file}; token (shown once):")
    print(token)
    return 0


def _diagram(args: argparse.Namespace) -> int:
    print(CONTRACT_LIFECYCLE.mermaid(title="contract"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
