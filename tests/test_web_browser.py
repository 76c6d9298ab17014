"""The web pages in a real browser (SPEC §10): Chromium, driven by Playwright, against a real
`contractflow serve` on SQLite and on PostgreSQL. Each journey keeps a screenshot, and no
page asks any host but the service's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from tests.browser import CHROMIUM_ARGS, Visit, chromium_path, served
from tests.desk import Desk

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import Error, sync_playwright  # noqa: PLC0415 - these tests only

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
        except Error as error:  # CI fails when these tests are skipped (.ci/run)
            pytest.skip(f"no Chromium to drive: {error}")
        yield chromium
        chromium.close()


@pytest.fixture
def site(durable_url: str, users_file: Path, tokens: dict[str, str]) -> Iterator[tuple[str, Desk]]:
    """A real server, and a desk that prepares contracts through its API."""
    with served(durable_url, users_file) as base, httpx.Client(base_url=base, timeout=30) as http:
        yield base, Desk(http, lambda user: {"Authorization": f"Bearer {tokens[user]}"})


@pytest.fixture
def visit(
    browser: Any, site: tuple[str, Desk], tokens: dict[str, str], request: pytest.FixtureRequest
) -> Iterator[Callable[..., Visit]]:
    opened: list[Visit] = []

    def open_tab(viewport: dict[str, int] = DESKTOP) -> Visit:
        opened.append(Visit(browser, site[0], tokens, viewport))
        return opened[-1]

    yield open_tab
    for tab in opened:
        host = site[0].split("/")[2]
        assert tab.hosts <= {host}, f"{request.node.name} asked {tab.hosts - {host}}"
        tab.close()


def name_of(request: pytest.FixtureRequest, what: str) -> str:
    return f"{what}-{request.node.callspec.id}"


def test_a_specialist_approves_from_the_inbox_and_the_contract_shows_it(
    site: tuple[str, Desk], visit: Callable[..., Visit], request: pytest.FixtureRequest
) -> None:
    _, desk = site
    contract = desk.submitted("li.lei", title="离心泵机组采购合同")
    tab = visit()
    tab.sign_in("wang.fang")
    assert tab.page.url.endswith("/inbox")  # a specialist's day starts at the inbox
    item = tab.page.locator(".inbox .item", has_text=contract["number"])
    assert item.locator(".badge.step").inner_text() == "合同审核"
    tab.screenshot(name_of(request, "inbox"))
    item.get_by_role("button", name="批准").click()
    tab.page.wait_for_load_state()
    assert "已完成" in tab.page.locator(".flash").inner_text()
    assert tab.page.locator(".inbox .item", has_text=contract["number"]).count() == 0
    tab.go(f"/contracts/{contract['id']}")
    granted = tab.page.locator(".steps li.granted")
    assert "合同审核" in granted.inner_text() and "wang.fang" in granted.inner_text()
    tab.screenshot(name_of(request, "contract-approved"))
    assert desk.get(contract).json()["approvals"][0]["by"] == "wang.fang"


def test_a_manager_rejects_on_a_phone_with_a_reason(
    site: tuple[str, Desk], visit: Callable[..., Visit], request: pytest.FixtureRequest
) -> None:
    _, desk = site
    contract = desk.submitted("han.meimei")
    tab = visit(PHONE)
    tab.sign_in("chen.jing")
    item = tab.page.locator(".inbox .item", has_text=contract["number"])
    item.locator("summary", has_text="驳回").click()
    tab.screenshot(name_of(request, "inbox-phone"))
    item.locator("textarea[name=reason]").fill("付款条件需重新协商")
    item.locator("form[action$='/reject'] button").click()
    tab.page.wait_for_load_state()
    assert desk.get(contract).json()["state"] == "draft"


def test_finance_records_a_payment_and_aging_shows_it_in_its_export_too(
    site: tuple[str, Desk], visit: Callable[..., Visit], request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:  # fmt: skip
    _, desk = site
    contract = desk.executing(
        "li.lei", amount="1000.00", customer={"id": "CUST-7", "name": "华东机械"}
    )
    desk.ok(contract, "ship", "li.lei", {"amount": "600.00", "shipped_on": "2026-01-10"})
    tab = visit()
    tab.sign_in("zhao.qiang")
    tab.go(f"/contracts/{contract['id']}")
    tab.page.locator("#act-pay summary").click()
    form = tab.page.locator("#act-pay form")
    form.locator("input[name=amount]").fill("250.00")
    form.locator("input[name=reference]").fill("BANK-7001")
    form.locator("input[name=received_on]").fill("2026-02-01")
    form.locator("button[type=submit]").click()
    tab.page.wait_for_load_state()
    assert tab.page.locator(".figure", has_text="已回款").locator("b").inner_text() == "¥250.00"
    tab.go("/receivables/aging?as_of=2026-03-31")
    row = tab.page.locator("tbody tr", has_text="CUST-7")
    assert row.locator("td").nth(9).inner_text() == "¥350.00"  # net: 600 shipped − 250
    tab.screenshot(name_of(request, "aging"))
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name="导出 XLSX").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(saved).active
    rows = {line[0]: line for line in sheet.iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(rows["CUST-7"][9])) == Decimal("350.00")  # net, as on the page
    shown_total = tab.page.locator("tfoot th").nth(8).inner_text()
    assert f"¥{Decimal(str(rows['TOTAL'][9])):,.2f}" == shown_total
    # The page said what the domain refuses, beside the field, in the page's language.
    tab.go(f"/contracts/{contract['id']}")
    tab.page.locator("#act-pay summary").click()
    form = tab.page.locator("#act-pay form")
    form.locator("input[name=amount]").fill("900.00")
    form.locator("input[name=reference]").fill("BANK-7002")
    form.locator("button[type=submit]").click()
    tab.page.wait_for_load_state()
    assert "回款将超过合同金额" in tab.page.locator("#act-pay .field-money .problem").inner_text()


def test_an_auditor_reads_a_timeline_travels_to_version_3_and_verifies(
    site: tuple[str, Desk], visit: Callable[..., Visit], request: pytest.FixtureRequest
) -> None:
    _, desk = site
    contract = desk.signed("li.lei")
    tab = visit()
    tab.sign_in("zhou.shen")
    assert tab.page.url.endswith("/audit")
    tab.go(f"/contracts/{contract['id']}")
    assert tab.page.locator(".timeline li").count() == contract["version"]
    tab.page.select_option("select[name=version]", "3")
    tab.page.locator(".travel-form button").click()
    tab.page.wait_for_load_state()
    assert "第 3 版" in tab.page.locator(".travel").inner_text()
    assert tab.page.locator(".page-head .badge").inner_text() == "审批中"
    tab.screenshot(name_of(request, "contract-version-3"))
    tab.go("/audit")
    tab.page.get_by_role("button", name="校验事件日志").click()
    tab.page.wait_for_load_state()
    assert "校验通过" in tab.page.locator(".verification").inner_text()
    assert "检查点未签名" in tab.page.locator(".verification").inner_text()  # no key: said so
    assert tab.page.locator("pre.note").inner_text().startswith("contractflow\n")
    reads = tab.page.locator("table.compact").last.inner_text()
    assert "zhou.shen" in reads and f"/contracts/{contract['id']}" in reads  # the register
    tab.screenshot(name_of(request, "audit"))


def test_a_sales_rep_gets_the_not_found_page_for_anothers_contract(
    site: tuple[str, Desk], visit: Callable[..., Visit], request: pytest.FixtureRequest
) -> None:
    _, desk = site
    theirs = desk.create("han.meimei")
    tab = visit()
    tab.sign_in("li.lei")
    response = tab.go(f"/contracts/{theirs['id']}")
    assert response.status == 404
    unknown = tab.go("/contracts/00000000-0000-0000-0000-000000000000")
    assert unknown.status == 404
    assert tab.page.locator("h1").inner_text() == "找不到该页面"
    tab.screenshot(name_of(request, "not-found"))


def test_a_form_post_without_its_csrf_token_is_refused(
    site: tuple[str, Desk], visit: Callable[..., Visit]
) -> None:
    _, desk = site
    contract = desk.submitted("li.lei")
    tab = visit()
    tab.sign_in("wang.fang")
    forged = tab.page.request.post(
        f"{tab.base}/contracts/{contract['id']}/approve", form={"step": "contract_review"}
    )
    assert forged.status == 403
    assert desk.get(contract).json()["approvals"] == []


def test_the_whole_journey_in_english(
    site: tuple[str, Desk], visit: Callable[..., Visit], request: pytest.FixtureRequest
) -> None:
    _, desk = site
    contract = desk.submitted("li.lei", amount="250000.00")
    desk.ok(contract, "approve", "wang.fang", {"step": "contract_review"})
    tab = visit()
    tab.sign_in("chen.jing", lang="en")
    item = tab.page.locator(".inbox .item", has_text=contract["number"])
    assert item.locator(".badge.step").inner_text() == "Manager approval"
    item.get_by_role("button", name="Approve").click()
    tab.page.wait_for_load_state()
    tab.go(f"/contracts/{contract['id']}")
    assert tab.page.locator("html").get_attribute("lang") == "en"
    assert "granted by" in tab.page.locator(".steps").inner_text()
    tab.screenshot(name_of(request, "contract-en"))
    finance = visit()
    finance.sign_in("zhao.qiang", lang="en")
    finance.go("/inbox")
    finance.page.locator(".inbox .item", has_text=contract["number"]).get_by_role(
        "button", name="Approve"
    ).click()
    finance.page.wait_for_load_state()
    finance.go(f"/contracts/{contract['id']}")
    assert finance.page.locator("#act-sign").count() == 0  # finance does not sign
    assert "Payment reference" not in finance.page.content()  # nothing to pay before signing
    assert desk.get(contract).json()["approvals"][-1]["by"] == "zhao.qiang"


def test_a_deputy_approves_an_amendment_for_the_director_on_leave(
    site: tuple[str, Desk], visit: Callable[..., Visit], request: pytest.FixtureRequest
) -> None:
    _, desk = site
    contract = desk.executing("li.lei", title="离心泵机组采购合同")
    tab = visit()
    tab.sign_in("liu.yang")
    tab.go("/delegations")
    form = tab.page.locator("form[action='/delegations']")
    form.locator("input[name=to]").fill("zhou.min")
    form.locator("select[name=role]").select_option("director")
    today = date.today()
    form.locator("input[name=starts_on]").fill(today.isoformat())
    form.locator("input[name=ends_on]").fill((today + timedelta(days=14)).isoformat())
    form.locator("textarea[name=reason]").fill("年假")
    form.get_by_role("button").click()
    tab.page.wait_for_load_state()
    assert "生效中" in tab.page.locator("table").inner_text()
    tab.screenshot(name_of(request, "delegations"))

    body = {"changes": {"amount": "1200000.00"}, "reason": "客户追加八台机组"}
    contract = desk.ok(contract, "amend", "li.lei", body)
    for step, user in (("contract_review", "wang.fang"), ("manager_approval", "chen.jing"),
                       ("finance_review", "zhao.qiang")):  # fmt: skip
        contract = desk.ok(contract, "approve_amendment", user, {"step": step})
    deputy = visit()
    deputy.sign_in("zhou.min")
    item = deputy.page.locator(".inbox .item", has_text=contract["number"])
    assert "变更" in item.inner_text() and "liu.yang" in item.inner_text()
    deputy.screenshot(name_of(request, "inbox-deputy"))
    item.get_by_role("button", name="批准").click()
    deputy.page.wait_for_load_state()
    deputy.go(f"/contracts/{contract['id']}")
    panel = deputy.page.locator(".amendments")
    assert "已生效" in panel.inner_text() and contract["number"] + "-A1" in panel.inner_text()
    deputy.screenshot(name_of(request, "contract-amended"))
    grant = desk.get(contract).json()["amendments"][0]["approvals"][-1]
    assert (grant["by"], grant["on_behalf_of"]) == ("zhou.min", "liu.yang")
