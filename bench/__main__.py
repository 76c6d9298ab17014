"""`python -m bench`: every figure of the performance suite, measured in one run on this
machine, printed as a table (ratios to the baselines first) and written to
bench/results.json. PostgreSQL comes from CONTRACTFLOW_TEST_DATABASE_URL or a throwaway
pgserver, in a fresh database dropped afterwards."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.storage import library_env
from bench import baselines, commands, reads
from bench.measure import ROUNDS, in_child
from bench.report import table, targets
from bench.server import bench_users, serving
from domain.application import ContractFlow
from projections.runtime import Projections
from tests.postgres_server import create_schema, fresh_database, server_url

RESULTS = Path(__file__).with_name("results.json")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    started = time.perf_counter()
    with (
        server_url() as admin,
        fresh_database(admin) as database,
        tempfile.TemporaryDirectory(prefix="contractflow-bench-") as scratch,
    ):
        results = run(database, Path(scratch), args.contracts, args.customers)
    results["meta"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "rounds": ROUNDS,
        "contracts": args.contracts,
        "customers": args.customers,
        "seconds": round(time.perf_counter() - started, 1),
    }
    results["targets"] = targets(results)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    print(f"\nwritten to {args.output} in {results['meta']['seconds']} s", file=sys.stderr)
    return 0


def run(database: str, scratch: Path, contracts: int, customers: int) -> dict[str, Any]:
    stores = {
        "postgres": lambda name: create_schema(database),
        "sqlite": lambda name: f"sqlite:///{scratch / name}.db",
    }
    users = scratch / "users.toml"
    tokens = bench_users(users)
    results: dict[str, Any] = {"baselines": {}, "commands": {}, "http": {}}
    for store, place in stores.items():
        _say(f"{store}: baselines")
        results["baselines"][store] = {
            "library_save": baselines.library_save(place("bare")),
            "plain_insert": baselines.plain_insert(place("plain")),
        }
        _say(f"{store}: commands through the application")
        url = place("commands")
        app = ContractFlow(library_env(url, 30))
        results["commands"][store] = commands.through_application(app)
        _say(f"{store}: commands over HTTP, {commands.CLIENTS} clients")
        with serving(url, users, commands.API_PROCESSES[store]) as base:
            results["http"][store] = commands.over_http(app, base, tokens)
        results["commands"][store]["verify_small_log"] = in_child("bench.scale:verify_log", url)
        app.close()
    results["scale"] = at_scale(stores["postgres"]("scale"), users, tokens, contracts, customers)
    _say("sqlite: the provable log, 1,000,000 leaves")
    results["provable"] = in_child("bench.provable:run", stores["sqlite"]("provable"))
    return results


def at_scale(
    url: str, users: Path, tokens: dict[str, str], contracts: int, customers: int
) -> dict[str, Any]:
    """PostgreSQL with the generated history: rebuild, reports, long histories, verify."""
    scale: dict[str, Any] = {
        "generate": in_child("bench.scale:generate", url, contracts, customers)
    }
    scale["rebuild"] = in_child("bench.scale:rebuild_receivables", url, ROUNDS)
    scale["views"] = in_child("bench.scale:build_views", url, "ledger", "complaints", "seal")
    scale["verify"] = in_child("bench.scale:verify_log", url)
    app = ContractFlow(library_env(url, 30))
    analyze(app)
    _say("postgres: reading the log")
    scale["log_reading"] = baselines.log_reading(app)
    views = Projections(app)
    views.refresh()
    _say("postgres: report queries")
    scale["report_queries"] = reads.report_queries(app, views)
    _say("postgres: long histories")
    scale["long_histories"] = reads.long_histories(app)
    views.stop()
    _say("postgres: reads over HTTP")
    with serving(url, users) as base:
        scale["http_reads"] = reads.http_reads(base, tokens)
    app.close()
    return scale


def analyze(app: ContractFlow) -> None:
    """Planner statistics, as autovacuum gathers them soon after a bulk load: read before
    them, the tables look empty, and a plan fit for empty tables can be slow for full ones
    (the inbox's page of 50 took 560 ms against 1 ms, its grants scanned whole per row)."""
    _say("postgres: ANALYZE after the bulk load")
    with app.recorder.datastore.get_connection() as connection:  # type: ignore[attr-defined]
        connection.execute("ANALYZE")


def _say(what: str) -> None:
    print(f"bench: {what}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
