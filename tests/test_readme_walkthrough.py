"""The README's curl walkthrough, run exactly as written against a real server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from api.app import create_app
from api.settings import Settings
from api.users import UserDirectory
from tests.live_server import live_server

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
        if line.startswith("# ") and not line.startswith("# Ann")
    ]
    assert printed == expected
