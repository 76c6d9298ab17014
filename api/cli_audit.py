"""`contractflow audit …`: the global log for auditors — export, verify, and the provable
log's keys, checkpoints and proofs (SPEC §6)."""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tqdm import tqdm

from api import audit_log, audit_tree, audit_verify
from api.audit_tree import Signed
from api.settings import Settings
from api.storage import open_application
from domain.errors import DomainError
from projections import merkle
from projections.runtime import Projections
from projections.signed_note import Checkpoint, NoteError, Signer, Verifier


def register(commands: Any, projections: Callable[..., Any]) -> None:
    """Add the audit commands; `projections` opens the configured store's views."""
    audit = commands.add_parser("audit", help="the global event log").add_subparsers(
        required=True, metavar="ACTION"
    )
    export = audit.add_parser("export", help="stream the whole log as NDJSON or CSV")
    export.add_argument("--format", dest="fmt", choices=["ndjson", "csv"], default="ndjson")
    export.add_argument(
        "--output", "-o", type=argparse.FileType("w", encoding="utf-8"), default="-"
    )
    export.set_defaults(run=_export)
    verify = audit.add_parser(
        "verify", help="check every event against its chain, the seal and the signed checkpoints"
    )
    verify.set_defaults(run=lambda args: _verify(projections))
    keys = audit.add_parser("keys", help="print a new signing key and its verifier key")
    keys.add_argument("--name", default="contractflow", help="the key's (and log's) name")
    keys.set_defaults(run=_keys)
    checkpoint = audit.add_parser(
        "checkpoint", help="bring the tree up to date and print its latest checkpoint"
    )
    checkpoint.set_defaults(run=lambda args: _checkpoint(projections))
    prove = audit.add_parser("prove", help="print the inclusion proof of one event")
    prove.add_argument("position", type=int)
    prove.add_argument("--tree-size", type=int, default=None)
    prove.set_defaults(run=lambda args: _prove(projections, args))
    check = audit.add_parser(
        "check", help="prove the log now extends a checkpoint kept before, with its public key"
    )
    check.add_argument("old", type=Path, metavar="OLD.txt", help="a checkpoint kept before")
    check.add_argument("--key", required=True, help="the verifier key: name+id+key")
    check.set_defaults(run=lambda args: _check(projections, args))


def _export(args: argparse.Namespace) -> int:
    application = open_application(Settings.from_env())
    try:
        header = 1 if args.fmt == "csv" else 0
        total = header + (application.recorder.max_notification_id() or 0)
        with tqdm(total=total, desc="exporting", disable=None) as bar:
            for line in audit_log.export_lines(application, args.fmt):
                args.output.write(line)
                bar.update()
    finally:
        application.close()
    return 0


def _verify(projections: Callable[..., Any]) -> int:
    with projections() as views:
        result = _verified(views)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["ok"] else 1


def _verified(views: Projections, **options: Any) -> dict[str, Any]:
    """verify_log with a progress bar, over every core for a durable store (chains and
    leaves are recomputed in Python)."""
    started = time.perf_counter()
    workers = 1 if views.store.owns_datastore else os.cpu_count() or 1
    with tqdm(total=views.head(), desc="verifying", disable=None) as bar:
        result = audit_verify.verify_log(views, done=bar.update, workers=workers, **options)
    seconds = max(time.perf_counter() - started, 1e-9)
    rate = result["checked"] / seconds
    print(f"{result['checked']} events in {seconds:.2f}s ({rate:,.0f} events/s)", file=sys.stderr)
    return result


def _keys(args: argparse.Namespace) -> int:
    try:
        signer = Signer.generate(args.name)
    except NoteError as error:
        print(f"contractflow: {error}", file=sys.stderr)
        return 2
    print(f"CONTRACTFLOW_AUDIT_SIGNING_KEY={signer.text()}")
    print(f"verifier key (give it to auditors): {signer.verifier.text()}")
    return 0


def _checkpoint(projections: Callable[..., Any]) -> int:
    with projections() as views, _refused() as refused:
        views.refresh("tree")
        sys.stdout.write(audit_tree.latest(views.views["tree"])["note"])
    return refused.status


def _prove(projections: Callable[..., Any], args: argparse.Namespace) -> int:
    with projections() as views, _refused() as refused:
        views.refresh("tree")
        proof = audit_tree.inclusion(views.app, views.views["tree"], args.position, args.tree_size)
        print(json.dumps(proof, indent=2))
    return refused.status


def _check(projections: Callable[..., Any], args: argparse.Namespace) -> int:
    """The kept checkpoint's signature, then the log recomputed from its events against it
    and every checkpoint the key signed since, then a consistency proof from the kept
    checkpoint to the latest, checked as RFC 9162 says."""
    with _refused() as refused:
        verifier = Verifier.parse(args.key)
        old = audit_tree.parse_old(args.old.read_text(encoding="utf-8"), verifier, str(args.old))
        print(f"{args.old}: signed by {verifier.name}, tree size {old.checkpoint.size}")
        with projections() as views:
            result = _verified(views, verifier=verifier, kept=[old])
            extends = _extends(views, result["checkpoint"], verifier, old) if result["ok"] else None
        for problem in result["problems"]:
            print(f"position {problem['position']}: {problem['problem']}")
        if not result["ok"]:
            print(f"FAILED: the log does not extend {args.old}")
            return 1
        print(extends)
        print(f"OK: the log of {result['tree_size']} events extends {args.old}")
    return refused.status


def _extends(views: Projections, latest_note: str, verifier: Verifier, old: Signed) -> str:
    """The consistency proof from the kept checkpoint to the latest one the key signed
    (and the log agrees with), checked as RFC 9162 §2.1.4.2 says."""
    latest = Checkpoint.parse(verifier.verify(latest_note))
    first = old.checkpoint
    proof = views.views["tree"].consistency(first.size, latest.size)  # type: ignore[attr-defined]
    if not merkle.verify_consistency(first.size, latest.size, first.root, latest.root, proof):
        raise NoteError("the consistency proof to the latest checkpoint does not verify")
    root = base64.b64encode(latest.root).decode()
    return (
        f"consistency proof of {len(proof)} hashes: tree size {first.size} → {latest.size} "
        f"(root {root}) verified"
    )


class _Refusal:
    status = 0


@contextmanager
def _refused() -> Iterator[_Refusal]:
    """A refusal (a bad key, a file not in its format, a position not in the tree) is one
    line on stderr and exit status 2."""
    refusal = _Refusal()
    try:
        yield refusal
    except (DomainError, NoteError, OSError) as error:
        print(f"contractflow: {getattr(error, 'detail', error)}", file=sys.stderr)
        refusal.status = 2
