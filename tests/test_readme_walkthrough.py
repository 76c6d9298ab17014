"""The README's curl walkthrough, run exactly as written against a real server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from api.app import create_app
from api.settings import Settings
from api.storage import library_env
from api.users import UserDirectory
from domain.application import ContractFlow
from tests.live_server import live_server
from tests.receivables_history import executing_contract

README = Path(__file__).resolve().parent.parent / "README.md"


def walkthrough_script() -> str:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- walkthrough:start -->")[1].split("<!-- walkthrough:end -->")[0]
    return re.search(r"```bash\n(.*?)```", block, re.DOTALL).group(1)  # type: ignore[union-attr]


def test_the_walkthrough_reaches_paid(tmp_path: Path, database_url: str, users_file: Path) -> None:
    users_file.write_text("", encoding="utf-8")
    app = create_app(
        Settings(database_url=database_url, users_file=users_file), UserDirectory.load(users_file)
    )
    # The walkthrough calls .venv/bin/contractflow from where it runs: point that at this one.
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "contractflow").symlink_to(
        Path(sys.executable).parent / "contractflow"
    )
    with live_server(app) as base_url:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", walkthrough_script()],
            cwd=tmp_path,
            env=os.environ | {"CF": base_url, "CONTRACTFLOW_USERS": str(users_file)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    expected = [
        line.removeprefix("# ").split("   (")[0]
        for line in walkthrough_script().splitlines()
        if line.startswith("# ")  # what is printed; "## " lines tell the story
    ]
    assert printed == expected


def audit_script() -> str:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- audit:start -->")[1].split("<!-- audit:end -->")[0]
    return re.search(r"```bash\n(.*?)```", block, re.DOTALL).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("rewritten", [False, True], ids=["kept", "rewritten"])
def test_the_audit_block_keeps_a_checkpoint_and_checks_it_a_month_later(
    tmp_path: Path, rewritten: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'contractflow.db'}"
    app = ContractFlow(library_env(url, 5))
    executing_contract(app, "C1", "li.lei")
    app.close()
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "contractflow").symlink_to(
        Path(sys.executable).parent / "contractflow"
    )
    business = f"{sys.executable} -m tests.readme_business"
    script = audit_script().replace("# … a month of business …", business)
    env = os.environ | {
        "CONTRACTFLOW_DATABASE_URL": url,
        "PYTHONPATH": str(README.parent),
        "REWRITE": "1" if rewritten else "",
    }
    result = subprocess.run(
        ["bash", "-uo", "pipefail", "-c", script],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    printed = result.stdout
    if rewritten:
        assert result.returncode == 1, result.stderr
        assert "FAILED: the log does not extend checkpoint-2026-09-30.txt" in printed
        return
    assert result.returncode == 0, result.stderr
    said = [line.removeprefix("# ") for line in script.splitlines() if line.startswith("# ")]
    expected = [re.escape(line).replace("…", ".*") for line in said[-3:]]
    checked = printed.splitlines()[-3:]
    assert all(re.fullmatch(want, line) for want, line in zip(expected, checked, strict=True)), (
        checked
    )
    assert "\n\u2014 contractflow.example/log " in printed  # the kept checkpoint is signed
