"""The service as users meet it: `contractflow serve` in its own process."""

from __future__ import annotations

import json
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
def serving(database_url: str, users_file: Path, workers: int = 1) -> Iterator[str]:
    """Start the API (`workers` processes) on a free port; yields its base URL once every
    process has answered; stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "CONTRACTFLOW_DATABASE_URL": database_url,
        "CONTRACTFLOW_USERS": str(users_file),
    }
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, answered = time.monotonic() + 60, set()
        while len(answered) < workers:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the API did not start")
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=5) as health:  # noqa: S310
                    answered.add(json.load(health)["pid"])
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
