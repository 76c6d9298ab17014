"""The results as one table: first every figure that has a target, with whether this run met
it (the same rows `targets` writes to results.json), then the other figures and ratios."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import median
from typing import Any

Row = tuple[str, str, str, str]  # figure, value, target, met
HEADER: Row = ("figure", "value", "target", "met")


@dataclass(frozen=True)
class Target:
    figure: str
    value: Callable[[dict[str, Any]], float | None]  # None: not measured in this run
    limit: float
    at_most: bool  # the value must stay at or under the limit (else reach it)
    stretch: float | None = None

    def verdict(self, results: dict[str, Any]) -> dict[str, Any] | None:
        value = self.value(results)
        if value is None:
            return None
        sign = "≤" if self.at_most else "≥"
        target = f"{sign} {self.limit:,g}"
        if self.stretch is not None:
            target += f" (stretch {self.stretch:,g})"
        met = value <= self.limit if self.at_most else value >= self.limit
        return {"figure": self.figure, "value": round(value, 3), "target": target, "met": met}


def _p99(*path: str) -> Callable[[dict[str, Any]], float | None]:
    def value(results: dict[str, Any]) -> float | None:
        for key in path:
            results = results.get(key) if isinstance(results, dict) else None
        return None if results is None else results["p99_ms"]

    return value


def _http_ratio(results: dict[str, Any]) -> float:
    http = results["http"]["postgres"]["per_second"]
    return http / results["baselines"]["postgres"]["library_save"]["per_second"]


def _verify_rss_ratio(results: dict[str, Any]) -> float:
    generated = _verify_rss(results["scale"]["verify"])
    return generated / _verify_rss(results["commands"]["postgres"]["verify_small_log"])


TARGETS = (
    Target("aging as of today, p99 ms", _p99("scale", "report_queries", "aging as of today"),
           50, True),
    Target("statement of a month, p99 ms", _p99("scale", "report_queries", "statement of a month"),
           50, True),
    Target("collection rate of a month, p99 ms",
           _p99("scale", "report_queries", "collection rate of a month"), 50, True),
    Target("aging with a past as_of, p99 ms",
           _p99("scale", "report_queries", "aging, a past as_of"), 300, True),
    Target("aging with a known_at, p99 ms", _p99("scale", "report_queries", "aging, known_at"),
           300, True),
    Target("statement with a known_at, p99 ms",
           _p99("scale", "report_queries", "statement, known_at"), 300, True),
    Target("approval inbox over HTTP, a page of 50, p99 ms",
           _p99("scale", "http_reads", "approval inbox, a page of 50"), 20, True),
    Target("ledger text search over HTTP, p99 ms",
           _p99("scale", "http_reads", "ledger search, text"), 20, True),
    Target("one customer's drill-down page, p99 ms",
           _p99("scale", "http_reads", "customer drill-down page"), 20, True),
    Target("postgres: HTTP commands/s ÷ library save/s, 16 clients, --workers 2", _http_ratio,
           0.5, False, stretch=1.0),
    Target("postgres: HTTP command p99 ms, 16 clients, --workers 2", _p99("http", "postgres"),
           50, True),
    Target("projection lag under that load, p99 ms",
           lambda r: r["http"]["postgres"].get("lag_p99_ms"), 250, True),
    Target("receivables rebuild, events/s", lambda r: median(r["scale"]["rebuild"]["rates"]),
           60_000, False),
    Target("receivables rebuild peak RSS, MB", lambda r: r["scale"]["rebuild"]["peak_rss_mb"],
           300, True),
    Target("the aging page, p99 ms", _p99("scale", "http_reads", "aging page"), 150, True),
    Target("load p50: 5,000-event ÷ 10-event contract",
           lambda r: r["scale"]["long_histories"]["ratio_p50"], 2.0, True),
    Target("verify peak RSS: generated log ÷ small log", _verify_rss_ratio, 1.1, True),
    Target("audit verify, events/s", lambda r: r["scale"]["verify"]["per_second"], 50_000,
           False),
    Target("chain check on load ÷ a command (p50)",
           lambda r: r.get("provable", {}).get("chain_check", {}).get("check_share_of_command"),
           0.1, True),
)  # fmt: skip


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each targeted figure of this run: {figure, value, target, met}."""
    return [row for target in TARGETS if (row := target.verdict(results)) is not None]


def table(results: dict[str, Any]) -> str:
    met = [
        (row["figure"], _number(row["value"]), row["target"], "yes" if row["met"] else "NO")
        for row in results.get("targets") or targets(results)
    ]
    rows = [*met, ("", "", "", ""), *_ratios(results), *_figures(results)]
    widths = [max(len(row[i]) for row in [*rows, HEADER]) for i in range(4)]
    lines = [_line(HEADER, widths), _line(tuple("-" * w for w in widths), widths)]
    lines += [_line(row, widths) for row in rows]
    return "\n".join(lines)


def _ratios(r: dict[str, Any]) -> list[Row]:
    rows = []
    for store in ("postgres", "sqlite"):
        save = r["baselines"][store]["library_save"]["per_second"]
        insert = r["baselines"][store]["plain_insert"]["per_second"]
        if store != "postgres":
            http = r["http"][store]["per_second"]
            rows.append(_value(f"{store}: HTTP cmds/s ÷ library save/s", http / save))
        for name in ("ship", "pay", "approve"):
            app = r["commands"][store][name]["per_second"]
            rows.append(_value(f"{store}: app {name}/s ÷ library save/s", app / save))
        rows.append(_value(f"{store}: library save/s ÷ plain INSERT/s", save / insert))
    scale = r["scale"]
    rebuild = median(scale["rebuild"]["rates"])
    rows.append(_value("rebuild events/s ÷ log read+decode events/s",
                       rebuild / scale["log_reading"]["per_second"]))  # fmt: skip
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
        if "lag_p50_ms" in http:
            rows.append(_value(f"{store}: projection lag under that load", http["lag_p50_ms"],
                               " ms p50", p=(http["lag_p50_ms"], http["lag_p99_ms"])))  # fmt: skip
    scale = r["scale"]
    events = scale["generate"]["events"]
    rows.append(_value(f"generated history ({events:,} events)",
                       events / scale["generate"]["seconds"], " events/s"))  # fmt: skip
    rows.append(_value("log read + decode", scale["log_reading"]["per_second"], " events/s"))
    rows.append(_value("receivables first build",
                       scale["rebuild"]["first_build_per_second"], " events/s"))  # fmt: skip
    for name, rate in scale["views"]["rates"].items():
        rows.append(_value(f"first build of {name}", rate, " events/s"))
    for source in ("report_queries", "http_reads"):
        where = "report" if source == "report_queries" else "HTTP"
        for name, figures in scale[source].items():
            rows.append(_value(f"{where} {name}", figures["p50_ms"], " ms p50",
                               p=(figures["p50_ms"], figures["p99_ms"])))  # fmt: skip
    for name in ("10 events", "5000 events"):
        figures = scale["long_histories"][name]
        rows.append(_value(f"load contract of {name}", figures["p50_ms"], " ms p50",
                           p=(figures["p50_ms"], figures["p99_ms"])))  # fmt: skip
    verify = scale["verify"]
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


def _value(figure: str, value: float, unit: str = "", p: tuple[float, float] | None = None) -> Row:
    text = f"{_number(value)}{unit}"
    if p is not None:
        text += f" (p50 {p[0]:,.1f} / p99 {p[1]:,.1f} ms)"
    return figure, text, "", ""


def _number(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def _line(row: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
