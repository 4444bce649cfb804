"""The reliability table: what the chaos suite injected, killed, expected, found — and what broke.

``make chaos`` runs the long chaos tests, then ``python -m benchmarks.reliability_report``.
The tests write their measurements as JSON under ``.chaos-results/`` (or
``POLICYWATCH_CHAOS_RESULTS``; see tests/chaos/results.py); this module reads them —
preferring the long (``make chaos``) run of each scenario over the short (``make test``)
one — prints the table and writes it to ``docs/reliability.md`` for the README to quote.
Nothing here is computed from anything but those measurements.
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "reliability.md"


@dataclass
class Figures:
    """The measurements, one scenario each (the long variant when there is one)."""

    scenarios: dict[str, dict[str, Any]] = field(default_factory=dict)

    def named(self, prefix: str) -> list[dict[str, Any]]:
        """Scenarios whose name starts with ``prefix``, by name."""
        return [data for name, data in sorted(self.scenarios.items()) if name.startswith(prefix)]

    def pipeline(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """The end-to-end scenarios: faults only, random kills, exact crash points."""
        return ([self.scenarios[n] for n in ("faults",) if n in self.scenarios],
                [self.scenarios[n] for n in ("crash",) if n in self.scenarios], self.named("crashpoint-"))


def results_dir() -> Path:
    """Where the chaos tests wrote their figures."""
    return Path(os.environ.get("POLICYWATCH_CHAOS_RESULTS") or ROOT / ".chaos-results")


def load(directory: Path) -> Figures:
    """Every ``<scenario>-<variant>.json``; the long variant wins over the short one."""
    figures = Figures()
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        name = data.get("scenario")
        if not name:
            continue
        known = figures.scenarios.get(name)
        if known is None or (known.get("variant") != "long" and data.get("variant") == "long"):
            figures.scenarios[name] = data
    return figures


def _sum(rows: list[dict[str, Any]], key: str) -> int:
    return sum(int(row.get(key) or 0) for row in rows)


def _variants(rows: list[dict[str, Any]]) -> str:
    found = sorted({row.get("variant", "?") for row in rows})
    return "/".join("make chaos" if v == "long" else "make test" for v in found) or "–"


def fault_rows(figures: Figures) -> list[tuple[str, int]]:
    """Faults injected by kind (site faults, quirks served, webhook refusals), over every scenario."""
    faults: Counter[str] = Counter()
    for row in sum(figures.pipeline(), []):
        faults.update(row.get("faults") or {})
        faults.update({f"quirk: {k}": v for k, v in (row.get("quirks") or {}).items()})
        faults["webhook HTTP 500"] += int(row.get("webhook_refusals") or 0)
    return sorted(faults.items())


def pipeline_rows(figures: Figures) -> list[tuple[str, str]]:
    """Runs killed, documents and alerts expected/stored, integrity: summed over the scenarios."""
    faults_only, random_kills, points = figures.pipeline()
    rows = faults_only + random_kills + points
    unsafe = [p.get("crash_point", "?") for p in points if p.get("violations")]
    integrity = sum(1 for r in rows if r.get("integrity") not in (None, "ok"))
    return [
        ("runs SIGKILLed at random moments", f"{_sum(random_kills, 'runs_killed')} "
                                             f"(of {_sum(random_kills, 'kills_attempted')} started)"),
        ("runs SIGKILLed at an exact write window", f"{_sum(points, 'runs_killed')} "
                                                    f"({len(points) - len(unsafe)} windows recovered)"),
        ("integrity_check failures", str(integrity)),
        ("documents expected / stored", f"{_sum(rows, 'documents_expected')} / {_sum(rows, 'documents_stored')}"),
        ("documents lost / duplicated", f"{_sum(rows, 'documents_lost')} / {_sum(rows, 'documents_duplicated')}"),
        ("versions stored twice", str(_sum(rows, "versions_duplicated"))),
        ("versions left without their comparison", str(_sum(rows, "versions_uncompared"))),
        ("alerts expected / stored", f"{_sum(rows, 'alerts_expected')} / {_sum(rows, 'alerts_stored')}"),
        ("alerts duplicated / missing", f"{_sum(rows, 'alerts_duplicated')} / {_sum(rows, 'alerts_missing')}"),
        ("alerts delivered to the webhook", str(_sum(rows, "alerts_delivered"))),
        ("deliveries repeated (same idempotency key, at-least-once window)",
         str(_sum(rows, "deliveries_duplicated"))),
        ("problems seen right after a kill", str(_sum(rows, "mid_run_violations"))),
        ("write windows where a kill loses work", ", ".join(unsafe) or "none"),
    ]


def watch_rows(figures: Figures) -> list[tuple[str, str]]:
    """The change-watching scenario (a revision and a deletion under faults and kills)."""
    rows = figures.named("watch")
    if not rows:
        return []
    return [
        ("revisions / deletions made", f"{_sum(rows, 'revisions_made')} / {_sum(rows, 'deletions_made')}"),
        ("runs SIGKILLed while they were handled", f"{_sum(rows, 'runs_killed')} (of {_sum(rows, 'kills_attempted')}"
                                                   " started)"),
        ("revised alerts (naming old → new figure)", f"{_sum(rows, 'revised_alerts')} "
                                                     f"({sum(1 for r in rows if r.get('revised_names_figures'))}"
                                                     " naming the figure)"),
        ("status alerts (ok → deleted)", str(_sum(rows, "status_alerts"))),
        ("alerts expected / stored / delivered", f"{_sum(rows, 'alerts_expected')} / {_sum(rows, 'alerts_stored')}"
                                                 f" / {_sum(rows, 'alerts_delivered')}"),
        ("alerts duplicated / raised by a further run", f"{_sum(rows, 'alerts_duplicated')} / "
                                                        f"{_sum(rows, 'alerts_after_converging')}"),
        ("documents lost / versions stored twice", f"{_sum(rows, 'documents_lost')} / "
                                                   f"{_sum(rows, 'versions_duplicated')}"),
        ("run by", _variants(rows)),
    ]


def fuzz_rows(figures: Figures) -> list[tuple[str, int, int, str]]:
    """(target, cases, failures, variant) per fuzz target."""
    return [(row.get("target", name), int(row.get("cases") or 0), int(row.get("failures") or 0),
             _variants([row])) for name, row in sorted(figures.scenarios.items()) if name.startswith("fuzz-")]


def security_rows(figures: Figures) -> list[tuple[str, str, str]]:
    """(check group, outcomes, variant) per security test module (one results file per test)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for name, row in sorted(figures.scenarios.items()):
        if name.startswith("check-"):
            groups.setdefault(row.get("group", "?"), []).append(row)
    return [(group, ", ".join(f"{n} {k}" for k, n in sorted(Counter(r["outcome"] for r in rows).items())),
             _variants(rows)) for group, rows in sorted(groups.items())]


def failures(figures: Figures) -> list[str]:
    """Every broken promise, one line each (empty: all of issue 8's criteria hold)."""
    found = []
    for name, row in sorted(figures.scenarios.items()):
        found += [f"{name}: {v}" for v in row.get("violations") or []]
        if row.get("failures"):
            found.append(f"{name}: {row.get('error') or 'property failed'}")
        if row.get("outcome") in ("failed", "xfailed"):
            found.append(f"{name}: {row['outcome']}")
    return found


def markdown(figures: Figures) -> str:
    """The whole report as Markdown tables."""
    rows = sum(figures.pipeline(), [])
    stamp = max((r.get("finished_at", "") for r in figures.scenarios.values()), default="never")
    lines = ["# Reliability", "", f"Measured by the chaos suite (tests/chaos/, {_variants(rows)}); latest run {stamp}.",
             "", "## Faults injected", "", "| kind | injected |", "|---|---:|"]
    faults = fault_rows(figures)
    lines += [f"| {kind} | {n} |" for kind, n in faults]
    lines += [f"| **total** | **{sum(n for _, n in faults)}** |", "", "## Pipeline under faults and kills", "",
              "| measure | value |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in pipeline_rows(figures)]
    watched = watch_rows(figures)
    if watched:
        lines += ["", "## Watching change: revisions and deletions under faults and kills", "",
                  "| measure | value |", "|---|---|"]
        lines += [f"| {label} | {value} |" for label, value in watched]
    lines += ["", "## Fuzzing (hypothesis, schemathesis; 1 s deadline per input)", "",
              "| target | cases | failures | run by |", "|---|---:|---:|---|"]
    fuzz = fuzz_rows(figures)
    lines += [f"| {t} | {c} | {f} | {v} |" for t, c, f, v in fuzz]
    lines += [f"| **total** | **{sum(c for _, c, _, _ in fuzz)}** | **{sum(f for _, _, f, _ in fuzz)}** | |", "",
              "## Security checks (and known findings elsewhere)", "", "| group | outcomes | run by |", "|---|---|---|"]
    lines += [f"| {g} | {o} | {v} |" for g, o, v in security_rows(figures)]
    broken = failures(figures)
    lines += ["", f"## Failures and open findings (xfailed checks): {len(broken)}", ""]
    lines += [f"- {line}" for line in broken]
    return "\n".join(lines) + "\n"


def run() -> None:
    """Print the report and write docs/reliability.md."""
    figures = load(results_dir())
    if not figures.scenarios:
        print(f"no chaos results in {results_dir()}: run `make chaos` (or `make test`) first")
        return
    text = markdown(figures)
    OUTPUT.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    run()
    sys.exit(0)
