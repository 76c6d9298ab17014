"""Schemathesis against the app's own OpenAPI schema, in-process, with a valid token of
each role: no server errors, and no response outside the documented schema."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.settings import Settings
from api.users import UserDirectory, add_user
from tests.conftest import TEST_USERS

# One user holding each role alone.
ROLE_HOLDERS = {roles[0]: user for user, roles in TEST_USERS.items() if len(roles) == 1}
EXAMPLES_PER_OPERATION = 25
# What the API promises: never a server error, and every response as documented. Business
# rules the schema cannot express (lines summing to the amount, dates not in the future,
# states) may refuse schema-valid data, so "positive data acceptance" is not among them.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_no_server_errors_and_only_documented_responses(tmp_path: Path) -> None:
    users_file = tmp_path / "users.toml"
    tokens = {user: add_user(users_file, user, user, roles) for user, roles in TEST_USERS.items()}
    app = create_app(
        Settings(database_url="memory:", users_file=users_file), UserDirectory.load(users_file)
    )
    sent = 0
    with TestClient(app):
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        for result in schema.get_all_operations():
            operation = result.ok()

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: schemathesis.Case) -> None:
                nonlocal sent
                for user in ROLE_HOLDERS.values():
                    sent += 1
                    case.call_and_validate(
                        headers={"Authorization": f"Bearer {tokens[user]}"}, checks=CHECKS
                    )

            check()
    print(f"\nschemathesis sent {sent} requests")
    assert sent > 0
