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


def test_an_amendment_is_asked_on_the_contract_page_and_approved_from_the_inbox(
    desk: Desk, signed_in: Pages
) -> None:
    contract = desk.executing()
    rep = signed_in("li.lei")
    html = rep.get(f"/contracts/{contract['id']}").text
    amend = html.split('/amend"', 1)[1].split("</form>", 1)[0]
    names = set(re.findall(r'name="([a-z_.]+)"', amend)) - {"csrf", "once", "version"}
    assert {"changes.amount", "changes.title", "changes.payment_terms.due_days", "reason"} <= names
    once = re.search(r'name="once" value="([^"]+)"', amend)[1]  # type: ignore[index]
    form = {"csrf": csrf_of(html), "once": once, "changes.amount": "150000.00", "reason": "追加"}
    assert rep.post(f"/contracts/{contract['id']}/amend", data=form).status_code == 200
    asked = desk.get(contract).json()["amendment"]
    assert (asked["changes"], asked["reason"]) == ({"amount": "150000.00"}, "追加")

    for user, step in (("wang.fang", "contract_review"), ("chen.jing", "manager_approval")):
        decider = signed_in(user)
        page = decider.get("/inbox").text
        item = page.split(contract["number"], 1)[1].split("</li>", 1)[0]
        assert asked["number"] in item and f"/contracts/{contract['id']}/approve_amendment" in item
        approve = item.split("approve_amendment", 1)[1].split("</form>", 1)[0]
        once = re.search(r'name="once" value="([^"]+)"', approve)[1]  # type: ignore[index]
        sent = {"csrf": csrf_of(page), "once": once, "step": step, "back": "/inbox"}
        reply = decider.post(f"/contracts/{contract['id']}/approve_amendment", data=sent)
        assert reply.status_code == 200, reply.text
    shown = signed_in("wang.fang").get(f"/contracts/{contract['id']}").text
    assert f"{asked['number']}" in shown and "已生效" in shown
    assert desk.get(contract).json()["amount"] == "150000.00"


def test_a_pending_amendment_refuses_acceptance_on_the_page_in_words(
    desk: Desk, signed_in: Pages
) -> None:
    contract = desk.executing()
    contract = desk.ok(contract, "ship", "wang.fang", {"amount": contract["amount"]})
    client = signed_in("wang.fang")
    html = client.get(f"/contracts/{contract['id']}").text
    assert 'action="/contracts/' + contract["id"] + '/accept"' in html
    desk.ok(contract, "amend", "li.lei", {"changes": {"title": "更正"}, "reason": "笔误"})
    response = client.post(
        f"/contracts/{contract['id']}/accept", data={"csrf": csrf_of(html), "version": ""}
    )
    assert response.status_code == 409
    assert "有待审批的变更" in response.text


def test_a_specialist_registers_a_customer_with_a_contact_and_reads_its_figures(
    desk: Desk, signed_in: Pages
) -> None:
    client = signed_in("wang.fang")
    html = client.get("/customers").text
    form = html.split('method="post" action="/customers"', 1)[1].split("</form>", 1)[0]
    names = set(re.findall(r'name="([a-z_.0-9]+)"', form)) - {"csrf", "once"}
    assert {"id", "name", "credit_limit", "contacts.0.name", "contacts.0.phone"} <= names
    sent = {"csrf": csrf_of(html), "once": "c-1", "id": "C-WEB", "name": "西部机电",
            "credit_class": "B", "credit_limit": "300000.00", "contacts.0.name": "李工",
            "contacts.0.phone": "028-5555-0101"}  # fmt: skip
    response = client.post("/customers", data=sent)
    assert response.status_code == 200, response.text
    desk.create(customer={"id": "C-WEB", "name": "typed"})
    page = client.get("/customers/C-WEB").text
    assert "西部机电" in page and "李工" in page and "¥300,000.00" in page
    assert "草稿" in page  # one contract in draft
    assert client.get("/customers", params={"q": "西部"}).text.count("/customers/C-WEB") == 1


def test_a_sales_rep_sees_the_customer_pages_of_own_contracts_only(
    desk: Desk, signed_in: Pages
) -> None:
    desk.create(by="li.lei", customer={"id": "C-MINE", "name": "我的客户"})
    desk.create(by="han.meimei", customer={"id": "C-THEIRS", "name": "别人的客户"})
    client = signed_in("li.lei")
    listing = client.get("/customers").text
    assert "C-MINE" in listing and "C-THEIRS" not in listing
    assert 'method="post" action="/customers"' not in listing  # for the register's keepers
    assert client.get("/customers/C-THEIRS").status_code == 404


def test_a_report_page_shows_a_page_of_customers_and_its_export_holds_them_all(
    desk: Desk, signed_in: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of customers make an unreadable page: the aging page shows a page of them
    with the totals of all, and links to the next; the export holds every customer."""
    monkeypatch.setattr("web.routes.receivables.PAGE", 2)
    for number in (1, 2, 3):
        contract = desk.executing(customer={"id": f"C-{number}", "name": f"客户{number}"})
        desk.ok(contract, "ship", "wang.fang", {"amount": "100.00"})
    client = signed_in("zhao.qiang")
    first = client.get("/receivables/aging").text
    assert "C-1" in first and "C-2" in first and "C-3" not in first
    assert "¥300.00" in first  # the total of all three
    after = re.search(r'href="(/receivables/aging\?[^"]*offset=2[^"]*)"', first)
    assert after is not None
    second = client.get(after[1].replace("&amp;", "&")).text
    assert "C-3" in second and "C-1" not in second
    export = client.get("/receivables/aging", params={"format": "csv"}).text
    assert all(f"C-{number}" in export for number in (1, 2, 3))


def test_the_inbox_page_shows_the_longest_waiting_steps_a_page_at_a_time(
    desk: Desk, signed_in: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.routes.inbox.PAGE", 2)
    numbers = [desk.submitted()["number"] for _ in range(3)]
    client = signed_in("chen.jing")
    first = client.get("/inbox").text
    assert numbers[0] in first and numbers[1] in first and numbers[2] not in first
    assert '<span class="count">3</span>' in first  # every step waiting, not the page's
    after = re.search(r'href="(/inbox\?[^"]*offset=2[^"]*)"', first)
    assert after is not None
    second = client.get(after[1].replace("&amp;", "&")).text
    assert numbers[2] in second and numbers[0] not in second


def test_a_customers_aging_drill_down_lists_its_unpaid_shipments(
    desk: Desk, signed_in: Pages
) -> None:
    contract = desk.executing(customer={"id": "C-9", "name": "客户9"})
    desk.ok(contract, "ship", "wang.fang", {"amount": "100.00"})
    page = signed_in("zhao.qiang").get("/receivables/aging/C-9")
    assert page.status_code == 200, page.text
    assert contract["number"] in page.text and "¥100.00" in page.text
