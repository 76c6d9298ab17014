"""`contractflow serve --workers N` (SPEC §9 scale-out): two API processes over PostgreSQL
take a payment race exactly once, as one process does (test_concurrency), the report after
it reads every answered payment, and SIGTERM stops every process; SQLite is refused."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.cli import main
from bench.server import serving
from tests.desk import Desk
from tests.postgres_server import create_schema
from tests.test_projection_processes import wait_until

SAME_KEY = 8  # clients sending one payment to one contract with one Idempotency-Key
OTHERS = 20  # clients each paying another contract with a key of their own: room for 10
PAYMENT = {"amount": "10000.00", "received_on": "2025-02-10"}


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def processes(pid: int) -> set[int]:
    """`pid` and every process below it."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {pid}.union(*(processes(int(child)) for child in children))


def parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def metrics_dir(pid: int) -> Path:
    environ = Path(f"/proc/{pid}/environ").read_text().split("\0")
    return Path(
        dict(entry.split("=", 1) for entry in environ if "=" in entry)["PROMETHEUS_MULTIPROC_DIR"]
    )


def race(base: str, same: str, others: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every client on a keep-alive connection of its own, all paying at once. The
    connections are opened one at a time (a burst may all land in one process) and each
    asks its health which process it reached, before and after paying."""
    start = threading.Barrier(SAME_KEY + OTHERS)
    with ExitStack() as stack:
        clients = [
            stack.enter_context(httpx.Client(base_url=base, timeout=60))
            for _ in range(SAME_KEY + OTHERS)
        ]
        pids = [http.get("/api/health").json()["pid"] for http in clients]

        def client(n: int) -> dict[str, Any]:
            contract, key = (same, "same") if n < SAME_KEY else (others, f"k-{n}")
            start.wait()
            paid = clients[n].post(
                f"/api/contracts/{contract}/pay",
                json=PAYMENT | {"reference": f"BANK-{key}"},
                headers=headers | {"Idempotency-Key": key},
            )
            assert clients[n].get("/api/health").json()["pid"] == pids[n]  # same connection
            return {"key": key, "status": paid.status_code, "body": paid.text, "pid": pids[n]}

        with ThreadPoolExecutor(max_workers=SAME_KEY + OTHERS) as pool:
            return list(pool.map(client, range(SAME_KEY + OTHERS)))


def payments(http: httpx.Client, contract: str, headers: dict[str, str]) -> list[str]:
    events = http.get(f"/api/contracts/{contract}/history", headers=headers).json()["events"]
    return sorted(e["data"]["reference"] for e in events if e["type"] == "PaymentReceived")


@pytest.mark.postgres
def test_two_api_processes_take_a_payment_race_exactly_once_and_stop_cleanly(
    postgres_database: str, users_file: Path, as_user: Callable[[str], dict[str, str]]
) -> None:
    with serving(create_schema(postgres_database), users_file, workers=2) as base:
        with httpx.Client(base_url=base, timeout=60) as http:
            desk = Desk(http, as_user)
            same, others = (desk.signed(amount="100000.00")["id"] for _ in range(2))
            outcomes = race(base, same, others, as_user("zhao.qiang"))
            recorded = {c: payments(http, c, as_user("zhou.shen")) for c in (same, others)}
            statement = http.get(
                "/api/receivables/statement", params={"month": "2025-02"},
                headers=as_user("zhao.qiang"),
            ).json()  # fmt: skip
        served = {outcome["pid"] for outcome in outcomes}
        everything = processes(parent(min(served)))
        metrics = metrics_dir(min(served))
        assert metrics.is_dir()

    repeated = {(o["status"], o["body"]) for o in outcomes if o["key"] == "same"}
    assert len(repeated) == 1 and next(iter(repeated))[0] == 200  # the first answer, again
    assert recorded[same] == ["BANK-same"]
    paid = sorted(f"BANK-{o['key']}" for o in outcomes if o["key"] != "same" and o["status"] == 200)
    assert len(paid) == 10 and recorded[others] == paid  # none lost, none twice, none over
    assert sum(o["status"] == 409 for o in outcomes) == OTHERS - 10
    assert statement["totals"]["collections"] == "110000.00"  # read-your-writes, each once
    assert len(served) == 2, "both API processes answered payments"
    wait_until(lambda: not any(map(alive, everything)))  # multiprocessing's tracker may linger
    assert not metrics.exists()


def test_serving_sqlite_with_workers_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONTRACTFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("CONTRACTFLOW_USERS", str(tmp_path / "users.toml"))
    assert main(["serve", "--workers", "2"]) == 2
    message = capsys.readouterr().err.strip()
    assert "--workers needs PostgreSQL" in message and "postgresql://" in message
    assert len(message.splitlines()) == 1
