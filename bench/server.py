"""The service as users meet it: `contractflow serve` in its own process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from api.users import add_user

USERS = {
    "specialist": ("bench.specialist", ["contract_specialist"]),
    "finance": ("bench.finance", ["finance"]),
    "manager": ("bench.manager", ["manager"]),
}


def bench_users(path: Path) -> dict[str, str]:
    """Tokens of the users the benchmark acts as (the population's approvers)."""
    return {
        role: add_user(path, user_id, user_id, roles) for role, (user_id, roles) in USERS.items()
    }


@contextmanager
def serving(database_url: str, users_file: Path) -> Iterator[str]:
    """Start the API on a free port; yields its base URL; stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "CONTRACTFLOW_DATABASE_URL": database_url,
        "CONTRACTFLOW_USERS": str(users_file),
    }
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=5):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the API did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
