"""The web pages without a browser (SPEC §10): signing in and out, where each user starts,
what each role may open, the security headers and cookie, the offline API documentation,
forms named as the API's bodies, and one catalogue per language holding every label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.contract_commands import COMMANDS
from tests.conftest import Pages
from tests.desk import Desk
from web.i18n import LANGUAGES, catalogue

TEMPLATES = Path(__file__).parent.parent / "web" / "templates"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]  # type: ignore[index]


def test_a_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/", "/inbox", "/contracts", "/receivables/aging", "/audit"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("user", "start"),
    [
        ("wang.fang", "/inbox"),
        ("chen.jing", "/inbox"),
        ("liu.yang", "/inbox"),
        ("zhao.qiang", "/inbox"),
        ("sun.li", "/complaints"),
        ("zhou.shen", "/audit"),
        ("li.lei", "/contracts"),
    ],
)
def test_each_user_starts_where_their_day_does(signed_in: Pages, user: str, start: str) -> None:
    response = signed_in(user).get("/", follow_redirects=False)
    assert response.headers["location"] == start


def test_a_wrong_token_is_refused_without_saying_which_part_was_wrong(
    client: TestClient, tokens: dict[str, str]
) -> None:
    csrf = csrf_of(client.get("/login").text)
    for user, token in (("wang.fang", tokens["li.lei"]), ("nobody", "cf_x")):
        response = client.post("/login", data={"user": user, "token": token, "csrf": csrf})
        assert response.status_code == 401
        assert "用户名或令牌不正确" in response.text


def test_pages_carry_security_headers_and_a_strict_session_cookie(
    client: TestClient, tokens: dict[str, str]
) -> None:
    page = client.get("/login")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "<script>" not in page.text and " style=" not in page.text  # nothing inline
    assert "content-security-policy" not in client.get("/api/health").headers


def test_sign_out_needs_the_forms_token(signed_in: Pages) -> None:
    client = signed_in("wang.fang")
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    csrf = csrf_of(client.get("/inbox").text)
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/inbox", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        ("sun.li", "/contracts", 403),  # customer service has no ledger
        ("sun.li", "/receivables/aging", 403),
        ("wang.fang", "/complaints", 403),
        ("zhao.qiang", "/audit", 403),
        ("liu.yang", "/audit", 200),
        ("li.lei", "/receivables/statement", 200),  # own contracts only
        ("zhou.shen", "/receivables/collection-rate", 200),
        ("sun.li", "/complaints", 200),
        ("wang.fang", "/contracts/new", 200),
        ("zhao.qiang", "/contracts/new", 403),
    ],
)
def test_each_role_opens_the_pages_of_its_job(
    signed_in: Pages, user: str, path: str, status: int
) -> None:
    assert signed_in(user).get(path).status_code == status


def test_the_api_documentation_works_without_the_internet(client: TestClient) -> None:
    for docs in ("/docs", "/redoc"):
        html = client.get(docs).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets and all(asset.startswith("/") for asset in assets), assets
        assert "cdn" not in html.lower() and "googleapis" not in html
        for asset in assets:
            if not asset.startswith("/openapi"):
                assert client.get(asset).status_code == 200, asset


def test_a_contracts_forms_are_its_callers_actions_named_as_the_api_names_them(
    desk: Desk, signed_in: Pages
) -> None:
    contract = desk.executing()
    html = signed_in("zhao.qiang").get(f"/contracts/{contract['id']}").text
    shown = re.findall(r'action="/contracts/[^/"]+/([a-z_]+)"', html)
    assert shown == ["invoice", "pay", "refund"]  # my_actions of finance, nothing more
    for action in shown:
        form = html.split(f'/{action}"', 1)[1].split("</form>", 1)[0]
        names = set(re.findall(r'name="([a-z_]+)"', form)) - {"csrf", "once", "version"}
        assert names == set(COMMANDS[action].body.model_fields), action


def test_a_refused_action_is_shown_beside_its_field_and_changes_nothing(
    desk: Desk, signed_in: Pages
) -> None:
    contract = desk.executing(amount="1000.00")
    client = signed_in("zhao.qiang")
    csrf = csrf_of(client.get(f"/contracts/{contract['id']}").text)
    response = client.post(
        f"/contracts/{contract['id']}/pay",
        data={"csrf": csrf, "amount": "2000.00", "reference": "P-1"},
    )
    assert response.status_code == 409
    pay_form = response.text.split('/pay"', 1)[1]
    field = pay_form.split('name="amount"', 1)[1].split("</label>", 1)[0]
    assert "回款将超过合同金额" in field
    assert desk.get(contract).json()["totals"]["collected"] == "0.00"


def test_a_form_sent_twice_is_done_once(desk: Desk, signed_in: Pages) -> None:
    contract = desk.executing()
    client = signed_in("li.lei")
    html = client.get(f"/contracts/{contract['id']}").text
    ship = html.split('/ship"', 1)[1].split("</form>", 1)[0]
    once = re.search(r'name="once" value="([^"]+)"', ship)[1]  # type: ignore[index]
    form = {"csrf": csrf_of(html), "once": once, "amount": "10.00"}
    for _ in range(2):
        assert client.post(f"/contracts/{contract['id']}/ship", data=form).status_code == 200
    assert desk.get(contract).json()["totals"]["shipped"] == "10.00"


def test_every_label_the_templates_use_is_in_every_catalogue() -> None:
    used = {
        key
        for template in TEMPLATES.glob("*.html")
        for key in re.findall(
            r"(?<![\w.])t\('([a-z_]+\.[a-z_0-9]+)'\s*[,)]", template.read_text(encoding="utf-8")
        )
    }
    assert used
    for language in LANGUAGES:
        missing = {key for key in used if not catalogue(language).has(key)}
        assert not missing, (language, missing)
    assert catalogue("zh-CN").entries.keys() == catalogue("en").entries.keys()
