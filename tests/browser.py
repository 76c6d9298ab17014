"""What the browser tests stand on: a real `contractflow serve` process, a Chromium driven by
Playwright that records every host it talks to, and screenshots kept as the run's
artefacts (`test-artefacts/screenshots/`)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).parent.parent
SCREENSHOTS = ROOT / "test-artefacts" / "screenshots"
# Debian's Chromium, run as this machine runs it (Playwright's own download is unreachable).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium when installed; else None, for Playwright's own."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def served(database_url: str, users_file: Path) -> Iterator[str]:
    """`contractflow serve` on a free port of this machine; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "CONTRACTFLOW_DATABASE_URL": database_url,
        "CONTRACTFLOW_USERS": str(users_file),
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/api/health", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                assert server.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


class Visit:
    """One person's browser tab: signs in, goes places, keeps screenshots, and notes every
    host a page asks for (only the app's own may be)."""

    def __init__(self, browser: Any, base: str, token: dict[str, str], viewport: dict[str, int]):
        self.base, self.tokens = base, token
        self.context = browser.new_context(viewport=viewport, accept_downloads=True)
        self.page = self.context.new_page()
        self.hosts: set[str] = set()
        self.page.on("request", lambda request: self.hosts.add(request.url.split("/")[2]))

    def sign_in(self, user: str, lang: str | None = None) -> None:
        self.go(f"/login?lang={lang}" if lang else "/login")
        self.page.fill("input[name=user]", user)
        self.page.fill("input[name=token]", self.tokens[user])
        self.page.click("form[action='/login'] button[type=submit]")
        self.page.wait_for_load_state()

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state()
        return response

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def close(self) -> None:
        self.context.close()
