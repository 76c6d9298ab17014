"""The results as one table: ratios to the baselines first, then the figures, each with
its target and whether this run met it."""

from __future__ import annotations

from statistics import median
from typing import Any

Row = tuple[str, str, str, str]  # figure, value, target, verdict


def table(results: dict[str, Any]) -> str:
    rows = _ratios(results) + _figures(results)
    widths = [max(len(row[i]) for row in [*rows, HEADER]) for i in range(4)]
    lines = [_line(HEADER, widths), _line(tuple("-" * w for w in widths), widths)]
    lines += [_line(row, widths) for row in rows]
    return "\n".join(lines)


HEADER: Row = ("figure", "value", "target", "met")


def _ratios(r: dict[str, Any]) -> list[Row]:
    rows = []
    for store in ("postgres", "sqlite"):
        save = r["baselines"][store]["library_save"]["per_second"]
        insert = r["baselines"][store]["plain_insert"]["per_second"]
        http = r["http"][store]["per_second"]
        rows.append(_row(f"{store}: HTTP cmds/s ÷ library save/s", http / save, "≥ 1.00", 1.0))
        for name in ("ship", "pay", "approve"):
            app = r["commands"][store][name]["per_second"]
            rows.append(_row(f"{store}: app {name}/s ÷ library save/s", app / save))
        rows.append(_row(f"{store}: library save/s ÷ plain INSERT/s", save / insert))
    scale = r["scale"]
    rebuild = median(scale["rebuild"]["rates"])
    rows.append(_row("rebuild events/s ÷ log read+decode events/s",
                     rebuild / scale["log_reading"]["per_second"]))  # fmt: skip
    long_ = scale["long_histories"]["ratio_p50"]
    rows.append(_row("load p50: 5,000-event ÷ 10-event contract", long_, "≤ 2.00", 2.0, low=True))
    verify = _verify_rss(scale["verify"]) / _verify_rss(
        r["commands"]["postgres"]["verify_small_log"]
    )
    rows.append(_row("verify peak RSS: generated log ÷ small log", verify, "≤ 1.10", 1.1, low=True))
    if "provable" in r:
        share = r["provable"]["chain_check"]["check_share_of_command"]
        rows.append(_row("chain check on load ÷ a command (p50)", share, "≤ 0.10", 0.1, low=True))
    return rows


def _figures(r: dict[str, Any]) -> list[Row]:
    rows = []
    for store in ("postgres", "sqlite"):
        base = r["baselines"][store]
        rows.append(_value(f"{store}: library save (1 event, 1 txn)",
                           base["library_save"]["per_second"], "/s"))  # fmt: skip
        rows.append(_value(f"{store}: plain INSERT (1 row, 1 txn)",
                           base["plain_insert"]["per_second"], "/s"))  # fmt: skip
        for name in ("ship", "pay", "approve"):
            figures = r["commands"][store][name]
            rows.append(_value(f"{store}: app {name}", figures["per_second"], "/s",
                               p=(figures["p50_ms"], figures["p99_ms"])))  # fmt: skip
        http = r["http"][store]
        rows.append(_value(f"{store}: HTTP commands, 16 clients", http["per_second"], "/s",
                           p=(http["p50_ms"], http["p99_ms"])))  # fmt: skip
        rows.append(_row(f"{store}: HTTP command p99 ms", http["p99_ms"], "≤ 50", 50, low=True))
    scale = r["scale"]
    events = scale["generate"]["events"]
    rows.append(_value(f"generated history ({events:,} events)",
                       events / scale["generate"]["seconds"], " events/s"))  # fmt: skip
    rows.append(_value("log read + decode", scale["log_reading"]["per_second"], " events/s"))
    rebuild = scale["rebuild"]
    rows.append(_row("receivables rebuild events/s", median(rebuild["rates"]), "≥ 50,000",
                     50_000))  # fmt: skip
    rows.append(_row("receivables rebuild peak RSS MB", rebuild["peak_rss_mb"], "≤ 300", 300,
                     low=True))  # fmt: skip
    for name, rate in scale["views"]["rates"].items():
        rows.append(_value(f"first build of {name}", rate, " events/s"))
    targets = {"statement": 100, "aging": 100, "statement, known_at": 200, "aging, known_at": 200}
    for name, figures in scale["report_queries"].items():
        limit = targets.get(name)
        target = f"≤ {limit}" if limit else ""
        figure = f"report {name}: p99 ms (p50 {figures['p50_ms']:,.1f})"
        rows.append(_row(figure, figures["p99_ms"], target, limit, low=True))
    for name, figures in scale["http_reads"].items():
        rows.append(_value(f"HTTP {name}", figures["p50_ms"], " ms p50",
                           p=(figures["p50_ms"], figures["p99_ms"])))  # fmt: skip
    for name in ("10 events", "5000 events"):
        figures = scale["long_histories"][name]
        rows.append(_value(f"load contract of {name}", figures["p50_ms"], " ms p50",
                           p=(figures["p50_ms"], figures["p99_ms"])))  # fmt: skip
    verify = scale["verify"]
    rows.append(_row(f"audit verify events/s, {verify['workers']} processes",
                     verify["per_second"], "≥ 50,000", 50_000))  # fmt: skip
    rows.append(
        _value("audit verify peak RSS, all processes (at most)", _verify_rss(verify), " MB")
    )
    return rows + _provable(r.get("provable"))


def _provable(provable: dict[str, Any] | None) -> list[Row]:
    if provable is None:
        return []
    tree = provable["tree"]
    leaves = f"{tree['leaves']:,}-leaf tree"
    rows = [_value(f"{leaves}: built by the tree view", tree["build_leaves_per_second"],
                   " leaves/s")]  # fmt: skip
    for name in ("inclusion", "consistency"):
        proof = tree[name]
        rows.append(_value(f"{leaves}: {name} proof, at most {proof['hashes_max']} hashes "
                           f"({proof['bytes_max']} bytes)", proof["p50_ms"], " ms p50",
                           p=(proof["p50_ms"], proof["p99_ms"])))  # fmt: skip
    check = provable["chain_check"]
    rows.append(_value("load a 10-event contract, chain checked",
                       check["load_checked_p50_ms"], " ms p50"))  # fmt: skip
    rows.append(_value("load a 10-event contract, unchecked",
                       check["load_unchecked_p50_ms"], " ms p50"))  # fmt: skip
    return rows


def _verify_rss(verify: dict[str, Any]) -> float:
    """The main process's peak and, at most, each worker's."""
    return verify["peak_rss_mb"] + verify["workers"] * verify["worker_peak_rss_mb"]


def _row(
    figure: str, value: float, target: str = "", limit: float | None = None, *, low: bool = False
) -> Row:
    verdict = (
        "" if limit is None else ("yes" if (value <= limit if low else value >= limit) else "NO")
    )
    return figure, _number(value), target, verdict


def _value(figure: str, value: float, unit: str, p: tuple[float, float] | None = None) -> Row:
    text = f"{_number(value)}{unit}"
    if p is not None:
        text += f" (p50 {p[0]:,.1f} / p99 {p[1]:,.1f} ms)"
    return figure, text, "", ""


def _number(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def _line(row: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
