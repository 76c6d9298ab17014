"""The provable log (SPEC §6): a Merkle tree over the global log with signed checkpoints.

An auditor's own client (tests/rfc9162.py, which imports nothing of contractflow) checks
the checkpoints' signatures, inclusion proofs of random events and consistency proofs of
random pairs, with the leaves rebuilt from the log's export as the docs define them. Then
an attacker with write access but no key rewrites the log and covers their tracks; verify
and `audit check` of a checkpoint kept before find each rewrite."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.audit_verify import verify_log
from api.cli import main
from api.settings import Settings
from api.storage import library_env
from domain.application import ContractFlow
from domain.errors import IntegrityBrokenError
from projections.runtime import Projections
from projections.signed_note import Signer
from tests import rfc9162
from tests.attacker import Attacker
from tests.conftest import actor
from tests.desk import assert_problem
from tests.receivables_history import attempt, executing_contract

SIGNER = Signer.generate("contractflow.test/log")
VERIFIER_KEY = SIGNER.verifier.text()


@pytest.fixture
def signed_client(users_file: Path, tokens: dict[str, str]) -> Iterator[TestClient]:
    settings = Settings(
        database_url="memory:", users_file=users_file, audit_signing_key=SIGNER.text()
    )
    with TestClient(create_app(settings)) as client:
        yield client


def auditor(client: TestClient, tokens: dict[str, str], path: str, **params: Any) -> Any:
    response = client.get(
        f"/api{path}", params=params, headers={"Authorization": f"Bearer {tokens['zhou.shen']}"}
    )
    assert response.status_code == 200, response.text
    return response


def leaves_of_the_log(client: TestClient, tokens: dict[str, str]) -> list[bytes]:
    export = auditor(client, tokens, "/audit/log", format="ndjson").text
    return [rfc9162.leaf_of(json.loads(line)) for line in export.splitlines()]


def grow(app: ContractFlow, contracts: int) -> None:
    for number in range(contracts):
        executing_contract(app, f"C{number % 7}", "li.lei")


def test_proofs_and_checkpoints_hold_for_an_independent_client(
    signed_client: TestClient, tokens: dict[str, str]
) -> None:
    """Logs of 1 to 5,000 events: each checkpoint signed and equal to the tree of the
    log's first leaves; inclusion and consistency proofs accepted by the RFC's logic."""
    app: ContractFlow = signed_client.app.state.application  # type: ignore[attr-defined]
    notes: dict[int, dict[str, Any]] = {}
    for step in [1] * 12 + [10, 30, 70, 504]:  # from one contract's 9 events to 5,000
        grow(app, step)
        note = auditor(signed_client, tokens, "/audit/checkpoint").text
        opened = rfc9162.open_note(note, VERIFIER_KEY)
        notes[opened["size"]] = opened
    leaves = leaves_of_the_log(signed_client, tokens)
    assert len(leaves) == max(notes) >= 5000
    for size, opened in notes.items():
        assert opened["root"] == rfc9162.mth(leaves[:size]), size

    chance = random.Random(9162)
    trees = [1, 2, 3, *(chance.randint(1, len(leaves)) for _ in range(100)), *notes]
    for size in trees:
        root = notes[size]["root"] if size in notes else rfc9162.mth(leaves[:size])
        index = chance.randrange(size)
        proof = auditor(
            signed_client, tokens, "/audit/proof/inclusion", position=index + 1, tree_size=size
        ).json()
        leaf = base64.b64decode(proof["leaf"])
        path = [base64.b64decode(node) for node in proof["audit_path"]]
        assert leaf == leaves[index]  # the leaf is the event's documented encoding
        assert rfc9162.inclusion_holds(leaf, index, size, path, root)
        assert not rfc9162.inclusion_holds(leaf + b" ", index, size, path, root)

        first = chance.randint(1, size)
        consistency = auditor(
            signed_client, tokens, "/audit/proof/consistency", first=first, second=size
        ).json()
        hashes = [base64.b64decode(node) for node in consistency["proof"]]
        first_root = rfc9162.mth(leaves[:first])
        assert rfc9162.consistency_holds(first, size, first_root, root, hashes)
        if hashes:
            forged = [hashes[0][::-1], *hashes[1:]]
            assert not rfc9162.consistency_holds(first, size, first_root, root, forged)


def test_proof_requests_beyond_the_tree_are_refused(
    signed_client: TestClient, tokens: dict[str, str]
) -> None:
    grow(signed_client.app.state.application, 1)  # type: ignore[attr-defined]
    head = {"Authorization": f"Bearer {tokens['zhou.shen']}"}
    for path, params in [
        ("/api/audit/proof/inclusion", {"position": 999}),
        ("/api/audit/proof/inclusion", {"position": 1, "tree_size": 999}),
        ("/api/audit/proof/consistency", {"first": 5, "second": 3}),
        ("/api/audit/proof/consistency", {"first": 1, "second": 999}),
    ]:
        assert_problem(signed_client.get(path, params=params, headers=head), 422, "invalid_input")
    for user in ("li.lei", "wang.fang", "zhao.qiang", "chen.jing", "sun.li"):
        refused = signed_client.get(
            "/api/audit/checkpoint", headers={"Authorization": f"Bearer {tokens[user]}"}
        )
        assert_problem(refused, 403, "forbidden")


def test_without_a_key_checkpoints_are_unsigned_and_verify_says_so(
    client: TestClient, tokens: dict[str, str]
) -> None:
    grow(client.app.state.application, 1)  # type: ignore[attr-defined]
    note = auditor(client, tokens, "/audit/checkpoint").text
    assert "\u2014" not in note and len(note.splitlines()) == 3
    result = auditor(client, tokens, "/audit/verify").json()
    assert (result["ok"], result["signed_by"]) == (True, None)


# -- an attacker without the key ---------------------------------------------------------


class Scene:
    """A durable store with a signed log; the auditor's checkpoint kept on file mid-way."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.env = library_env(url, 5) | {"AUDIT_SIGNING_KEY": SIGNER.text()}
        app = ContractFlow(self.env)
        views = Projections(app)
        self.contract = executing_contract(app, "C1", "li.lei")  # versions 1-6
        attempt(app, ("ship", self.contract, Decimal("1000.00"), 10))  # 7
        attempt(app, ("pay", self.contract, Decimal("1000.00"), 20))  # 8
        views.refresh()
        self.kept = folder / "checkpoint-kept.txt"
        self.kept.write_text(views.views["tree"].latest_checkpoint()["note"])  # type: ignore[attr-defined]
        self.later = executing_contract(app, "C2", "li.lei")
        views.refresh()
        self.size = views.views["tree"].size()  # type: ignore[attr-defined]
        views.stop()
        app.close()

    def verified(self) -> dict[str, Any]:
        app = ContractFlow(self.env)
        views = Projections(app)
        try:
            return verify_log(views)
        finally:
            views.stop()
            app.close()

    def audit_check(self, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["audit", "check", str(self.kept), "--key", VERIFIER_KEY])
        said = capsys.readouterr()
        return status, said.out, said.err


@pytest.fixture
def scene(durable_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scene:
    monkeypatch.setenv("CONTRACTFLOW_DATABASE_URL", durable_url)
    monkeypatch.delenv("CONTRACTFLOW_AUDIT_SIGNING_KEY", raising=False)  # the auditor's side
    return Scene(durable_url, tmp_path)


def test_an_untouched_log_passes_verify_and_extends_the_kept_checkpoint(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    result = scene.verified()
    assert (result["ok"], result["signed_by"], result["tree_size"]) == (
        True,
        "contractflow.test/log",
        scene.size,
    )
    status, out, _ = scene.audit_check(capsys)
    assert status == 0, out
    assert "consistency proof of" in out and f"OK: the log of {scene.size} events extends" in out


REWRITES = {
    "change_an_amount": lambda s, a: a.change_an_amount(s.contract, 8, b'"1000.00"', b'"9000.00"'),
    "delete_and_renumber": lambda s, a: a.delete_and_renumber(s.contract, 4),
    "truncate_the_tail": lambda s, a: a.truncate_the_tail(3),
    "swap_two_events": lambda s, a: a.swap_two_events(s.contract, 3, 4),
}


@pytest.mark.parametrize("rewrite", REWRITES, ids=str)
def test_a_rewrite_with_tracks_covered_is_found_by_verify_and_by_audit_check(
    scene: Scene, rewrite: str, capsys: pytest.CaptureFixture[str]
) -> None:
    attacker = Attacker(scene.url)
    REWRITES[rewrite](scene, attacker)

    result = scene.verified()
    assert result["ok"] is False
    found = result["problems"][0]
    assert found["problem"].startswith(("rewritten:", "truncated:")), result["problems"]
    if rewrite != "truncate_the_tail":  # the rewrite lies within the first contract's events
        assert found["position"] <= 8

    status, out, _ = scene.audit_check(capsys)
    assert status == 1 and "FAILED: the log does not extend" in out, out


def test_a_rewrite_that_also_deletes_the_stored_checkpoints_is_found_by_the_kept_one(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    attacker = Attacker(scene.url)
    attacker.change_an_amount(scene.contract, 8, b'"1000.00"', b'"9000.00"')
    attacker.forget_checkpoints()
    status, out, _ = scene.audit_check(capsys)
    assert status == 1 and "rewritten: the log's first" in out, out


def test_a_forged_kept_checkpoint_is_refused(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    text = scene.kept.read_text()
    size = text.split("\n")[1]
    scene.kept.write_text(text.replace(f"\n{size}\n", f"\n{int(size) + 1}\n", 1))
    status, _, err = scene.audit_check(capsys)
    assert (status, "does not verify" in err) == (2, True), err


def test_loading_a_contract_whose_chain_breaks_is_an_integrity_problem(scene: Scene) -> None:
    table = Attacker(scene.url).table
    paid = table.state(scene.contract, 8)
    table.set_state(scene.contract, 8, paid.replace(b'"1000.00"', b'"9000.00"'))
    app = ContractFlow(scene.env)
    try:
        with pytest.raises(IntegrityBrokenError, match="does not match its chain"):
            app.contracts.get(actor("wang.fang"), scene.contract)
    finally:
        app.close()
