"""Domain commands on existing contracts: through the application, then over HTTP with
concurrent clients, each client on contracts of its own."""

from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal
from itertools import count, cycle
from uuid import UUID

from bench.lag import LagSampler
from bench.measure import ROUNDS, rounds_of, summary, timing
from bench.population import DECIDERS, FINANCE_ACTOR, SPECIALIST, approved, drafted, owner_of
from domain.application import ContractFlow
from domain.contracts.contract import Contract
from domain.numbering import NumberIndex

PER_ROUND = 300  # commands of each kind per round through the application
CLIENTS = 16
PER_CLIENT = 60  # commands per client per HTTP round
API_PROCESSES = {"postgres": 2, "sqlite": 1}  # `serve --workers`: SQLite's is refused
AMOUNT = Decimal("900000.00")  # needs contract review, manager and finance
_numbers = count(9_000_000)


def prepare(app: ContractFlow, executing: int, in_review: int) -> dict[str, list[UUID]]:
    """Contracts ready for shipments and payments, and contracts awaiting contract review."""
    made: dict[str, list[Contract]] = {"executing": [], "review": []}
    for _ in range(executing):
        contract = approved(drafted(next(_numbers), 1000, AMOUNT))
        contract.sign(SPECIALIST, app.today())
        contract.start(SPECIALIST, app.today())
        made["executing"].append(contract)
    for _ in range(in_review):
        index = next(_numbers)
        contract = drafted(index, 1000, AMOUNT)
        contract.submit(owner_of(index), app.routing)
        made["review"].append(contract)
    every = made["executing"] + made["review"]
    for first in range(0, len(every), 200):
        chunk = every[first : first + 200]
        app.save(*chunk, *(NumberIndex(c.number, c.id) for c in chunk))
    return {kind: [c.id for c in contracts] for kind, contracts in made.items()}


def through_application(app: ContractFlow) -> dict[str, dict[str, float]]:
    """pay, ship and approve, each `PER_ROUND` times a round, one after another."""
    ids = prepare(app, executing=16, in_review=PER_ROUND * ROUNDS)
    references, reviews, executing = count(1), iter(ids["review"]), cycle(ids["executing"])
    one = Decimal("1.00")
    commands = {
        "ship": lambda: app.contracts.ship(SPECIALIST, next(executing), one, None, None),
        "pay": lambda: app.contracts.pay(
            FINANCE_ACTOR, next(executing), one, None, f"R-{next(references)}"
        ),
        "approve": lambda: app.contracts.approve(
            DECIDERS["contract_review"], next(reviews), "contract_review", None
        ),
    }
    return {name: rounds_of(command, PER_ROUND) for name, command in commands.items()}


def over_http(app: ContractFlow, base_url: str, tokens: dict[str, str]) -> dict[str, float]:
    """`CLIENTS` clients at once, each shipping, paying and approving on its own contracts;
    the views' lag is sampled meanwhile (`lag_p50_ms`, `lag_p99_ms`)."""
    per_kind = PER_CLIENT // 3
    ids = prepare(app, executing=CLIENTS, in_review=CLIENTS * per_kind * ROUNDS)
    reviews = iter(ids["review"])
    references = count(1)
    rounds = []
    for _ in range(ROUNDS):
        plans = []
        for client in range(CLIENTS):
            mine = ids["executing"][client]
            plan = []
            for _ in range(per_kind):
                plan += [
                    (f"/api/contracts/{mine}/ship", {"amount": "1.00"}, tokens["specialist"]),
                    (f"/api/contracts/{mine}/pay",
                     {"amount": "1.00", "reference": f"H-{next(references)}"}, tokens["finance"]),
                    (f"/api/contracts/{next(reviews)}/approve", {"step": "contract_review"},
                     tokens["specialist"]),
                ]  # fmt: skip
            plans.append(plan)
        with LagSampler(app) as lag:
            figures = asyncio.run(_clients(base_url, plans))
        rounds.append(figures | lag.figures())
    return summary(rounds)


async def _clients(base_url: str, plans: list[list[tuple[str, dict, str]]]) -> dict[str, float]:
    host, port = base_url.removeprefix("http://").split(":")
    started = time.perf_counter()
    taken = await asyncio.gather(*(_client(host, int(port), plan) for plan in plans))
    elapsed = time.perf_counter() - started
    return timing([seconds for client in taken for seconds in client], elapsed)


async def _client(host: str, port: int, plan: list[tuple[str, dict, str]]) -> list[float]:
    """One keep-alive HTTP/1.1 connection sending its requests one after another: a client
    that costs the machine next to nothing, so the server gets the cores."""
    reader, writer = await asyncio.open_connection(host, port)
    taken = []
    try:
        for path, body, token in plan:
            payload = json.dumps(body).encode()
            request = (
                f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
            ).encode() + payload
            started = time.perf_counter()
            writer.write(request)
            status, _ = await _response(reader)
            taken.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"POST {path} answered {status}")
    finally:
        writer.close()
    return taken


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    length = int({k.lower(): v for k, v in headers.items()}.get("content-length", 0))
    return int(lines[0].split()[1]), await reader.readexactly(length)
