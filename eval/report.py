"""Evaluation reports: report.json (stable keys), report.md and a self-contained report.html."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from eval.metrics import Metrics, PathPrecision, Proportion
from eval.records import EvalResult

HEADLINE = (
    "verdict_accuracy",
    "wrong_verdict_share",
    "verdict_coverage",
    "value_correct",
    "citation_precision",
    "citation_recall",
    "recall_at_1",
    "recall_at_5",
    "abstention_precision",
    "abstention_recall",
    "out_of_scope_abstained",
)


class Failure(BaseModel):
    id: str
    category: str
    trial_id: str
    question: str
    expected: dict[str, Any]
    got: dict[str, Any]


class Report(BaseModel):
    run: dict[str, Any]
    overall: Metrics
    per_category: dict[str, Metrics]
    per_failure_class: dict[str, Metrics] = {}
    per_decision_path: dict[str, PathPrecision] = {}
    failures: list[Failure]
    items: list[dict[str, Any]]
    baseline: Report | None = None


def failure_of(result: EvalResult) -> Failure:
    item = result.item
    return Failure(
        id=item.id,
        category=item.category,
        trial_id=item.trial_id,
        question=item.question,
        expected={
            "verdict": item.gold_verdict,
            "values": item.gold_values,
            "evidence": [e.model_dump() for e in item.gold_evidence],
            "abstain": item.expect_abstain,
        },
        got={
            "verdict": result.verdict,
            "answer": result.answer,
            "abstained": result.abstained,
            "citations": [c.model_dump() for c in result.citations],
            "gold_rank": result.gold_rank,
            "phantom_citations": result.phantom_citations,
        },
    )


def item_row(result: EvalResult) -> dict[str, Any]:
    return {
        "id": result.item.id,
        "category": result.item.category,
        "failure_class": result.item.failure_class,
        "passed": not result.failed,
        "gold_verdict": result.item.gold_verdict,
        "verdict": result.verdict,
        "decided_by": result.decided_by,  # the reasoning paths behind the verdict, to read wrong ones by path
        "withheld_by": result.withheld_by,  # exclusions quoted without a verdict, scored as if stated
        "verdict_correct": result.verdict_correct,
        "verdict_wrong": result.verdict_wrong,
        "value_correct": result.value_correct,
        "gold_rank": result.gold_rank,
        "abstained": result.abstained,
        "latency_ms": round(result.latency_ms, 2),
    }


def _cell(metric: Proportion | float | int | None) -> str:
    if isinstance(metric, Proportion):
        if metric.value is None:
            return "n/a"
        interval = f" [{metric.ci_low:.2f}, {metric.ci_high:.2f}]" if metric.ci_low is not None else ""
        return f"{metric.value:.3f}{interval} (n={metric.n})"
    if isinstance(metric, float):
        return f"{metric:.3f}"
    return "n/a" if metric is None else str(metric)


def _table(rows: dict[str, Metrics], columns: tuple[str, ...]) -> list[str]:
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, metrics in rows.items():
        lines.append(f"| {name} | " + " | ".join(_cell(getattr(metrics, c)) for c in columns) + " |")
    return lines


def markdown(report: Report) -> str:
    run = report.run
    lines = [
        f"# Evaluation report: {run.get('set')}",
        "",
        f"backend `{run.get('backend')}`, {report.overall.items} items, k={run.get('k')}, "
        f"commit `{run.get('commit')}`, {run.get('timestamp')}",
        "",
        "## Overall",
        "",
        *_table(
            {"system": report.overall} | ({"baseline": report.baseline.overall} if report.baseline else {}), HEADLINE
        ),
        "",
        f"wrong verdicts: {report.overall.wrong_verdicts} of {report.overall.wrong_verdict_share.n} verdicts given; "
        f"phantom citations: {report.overall.phantom_citations}; MRR {_cell(report.overall.mrr)}; "
        f"latency p50 {_cell(report.overall.latency_p50_ms)} ms, p95 {_cell(report.overall.latency_p95_ms)} ms",
        "",
        "## Per category",
        "",
        *_table(
            report.per_category,
            PER_GROUP,
        ),
        "",
        *_per_failure_class(report),
        *_per_decision_path(report),
        f"## Failures ({len(report.failures)})",
        "",
    ]
    for failure in report.failures:
        lines.append(_failure_line(failure))
    return "\n".join(lines) + "\n"


PER_GROUP = (
    "verdict_accuracy",
    "wrong_verdicts",
    "verdict_coverage",
    "value_correct",
    "citation_recall",
    "recall_at_1",
    "recall_at_5",
    "recall_at_10",
    "mrr",
    "abstention_recall",
)


def _per_failure_class(report: Report) -> list[str]:
    if not report.per_failure_class:
        return []
    return ["## Per failure class", "", *_table(report.per_failure_class, PER_GROUP), ""]


def _per_decision_path(report: Report) -> list[str]:
    """Verdicts by the reasoning that gave them: `wrong` counts those the gold contradicts (the calibration view)."""
    if not report.per_decision_path:
        return []
    lines = [
        "## Verdicts by decision path",
        "",
        "| path -> verdict | verdicts | correct | wrong | not contradicted |",
        "|---|---|---|---|---|",
    ]
    for name, row in report.per_decision_path.items():
        lines.append(f"| {name} | {row.verdicts} | {row.correct} | {row.wrong} | {_cell(row.precision)} |")
    lines += [
        "",
        "Rows marked `(withheld)` are exclusions the answerer quoted without a verdict (the `eligibility` settings),",
        'scored as if it had said "excluded": `correct` is what stating them would gain, `wrong` what it would cost.',
    ]
    return [*lines, ""]


SIDE_BY_SIDE = (
    "verdict_accuracy",
    "wrong_verdicts",
    "wrong_verdict_share",
    "verdict_coverage",
    "value_correct",
    "citation_recall",
    "recall_at_1",
    "recall_at_5",
    "recall_at_10",
    "mrr",
    "out_of_scope_abstained",
    "phantom_citations",
)


def side_by_side(reports: dict[str, Report]) -> str:
    """One row per evaluation set, so development and held-out figures are read together."""
    rows = {name: result.overall for name, result in reports.items()}
    return (
        "\n".join(
            ["| set | items | " + " | ".join(SIDE_BY_SIDE) + " |", "|---" * (len(SIDE_BY_SIDE) + 2) + "|"]
            + [
                f"| {name} | {m.items} | " + " | ".join(_cell(getattr(m, c)) for c in SIDE_BY_SIDE) + " |"
                for name, m in rows.items()
            ]
        )
        + "\n"
    )


def _failure_line(failure: Failure) -> str:
    expected, got = failure.expected, failure.got
    cites = "; ".join(f"{c['section']} #{c['criterion']}" if c["criterion"] else c["section"] for c in got["citations"])
    wanted = expected["verdict"] or expected["values"] or ""
    return (
        f"- `{failure.id}` ({failure.category}) {failure.question} - expected {wanted} abstain={expected['abstain']}; "
        f"got verdict={got['verdict']} abstained={got['abstained']} cited [{cites}] gold rank {got['gold_rank']}"
    )


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def plots(report: Report, latencies: list[float]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images: dict[str, str] = {}
    names = list(report.per_category)
    values: list[float] = []
    errors: list[list[float]] = [[], []]
    for name in names:
        p = report.per_category[name].verdict_accuracy
        if p.value is None:
            p = report.per_category[name].value_correct
        if p.value is None:
            p = report.per_category[name].abstention_recall
        values.append(p.value or 0.0)
        errors[0].append((p.value or 0) - (p.ci_low if p.ci_low is not None else (p.value or 0)))
        errors[1].append((p.ci_high if p.ci_high is not None else (p.value or 0)) - (p.value or 0))
    figure, axis = plt.subplots(figsize=(8, 3.5))
    errors = [[max(0.0, e) for e in side] for side in errors]
    axis.bar(names, values, yerr=errors, capsize=3, color="#4a7bb7")
    axis.set_ylim(0, 1.05)
    axis.set_ylabel("accuracy (95% CI)")
    axis.tick_params(axis="x", rotation=35)
    images["Per-category accuracy"] = _png(figure)
    plt.close(figure)
    figure, axis = plt.subplots(figsize=(6, 3))
    axis.hist(latencies, bins=30, color="#6a9f58")
    axis.set_xlabel("latency (ms)")
    images["Latency"] = _png(figure)
    plt.close(figure)
    figure, axis = plt.subplots(figsize=(6, 3))
    for label, metrics in (
        ("system", report.overall),
        ("baseline", report.baseline.overall if report.baseline else None),
    ):
        if metrics is not None:
            ks = sorted(metrics.recall_at_k, key=int)
            axis.plot([int(k) for k in ks], [metrics.recall_at_k[k] or 0 for k in ks], marker="o", label=label)
    axis.set_xlabel("k")
    axis.set_ylabel("gold evidence recall@k")
    axis.set_ylim(0, 1.05)
    axis.legend()
    images["Recall@k"] = _png(figure)
    plt.close(figure)
    return images


def html_page(report: Report, latencies: list[float]) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>TrialQA evaluation</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 6px;font-size:13px;vertical-align:top}</style></head><body>",
        f"<h1>TrialQA evaluation: {esc(str(report.run.get('set')))}</h1>",
        f"<p>backend {esc(str(report.run.get('backend')))}, {report.overall.items} items, "
        f"commit {esc(str(report.run.get('commit')))}</p>",
        "<h2>Overall</h2><table><tr><th></th>" + "".join(f"<th>{esc(c)}</th>" for c in HEADLINE) + "</tr>",
    ]
    rows = {"system": report.overall} | ({"baseline": report.baseline.overall} if report.baseline else {})
    for name, metrics in rows.items():
        parts.append(
            f"<tr><td>{esc(name)}</td>"
            + "".join(f"<td>{esc(_cell(getattr(metrics, c)))}</td>" for c in HEADLINE)
            + "</tr>"
        )
    parts.append(f"</table><p>phantom citations: {report.overall.phantom_citations}</p>")
    for title, image in plots(report, latencies).items():
        parts.append(f"<h2>{esc(title)}</h2><img alt='{esc(title)}' src='data:image/png;base64,{image}'>")
    header = "".join(f"<th>{h}</th>" for h in ("id", "question", "expected", "got", "cited passages"))
    parts.append(f"<h2>Failures ({len(report.failures)})</h2><table><tr>{header}</tr>")
    for failure in report.failures:
        cited = "<br>".join(
            esc(f"{c['trial_id']} {c['section']} #{c['criterion']}: {c['quote'][:300]}")
            for c in failure.got["citations"]
        )
        parts.append(
            f"<tr><td>{esc(failure.id)}<br>{esc(failure.category)}</td><td>{esc(failure.question)}</td>"
            f"<td>{esc(json.dumps(failure.expected, ensure_ascii=False))}</td>"
            f"<td>{esc(str(failure.got['verdict']))}<br>{esc(failure.got['answer'][:500])}</td><td>{cited}</td></tr>"
        )
    parts.append("</table></body></html>")
    return "\n".join(parts)


def write(report: Report, latencies: list[float], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(report.model_dump_json(indent=1))
    (out_dir / "report.md").write_text(markdown(report))
    (out_dir / "report.html").write_text(html_page(report, latencies))


def compare_reports(a: Path, b: Path) -> str:
    """What got better or worse from run A to run B, overall, per category and item by item."""
    first, second = (Report.model_validate_json(p.read_text()) for p in (a, b))
    lines = [f"# {a} -> {b}", "", "| metric | A | B | change |", "|---|---|---|---|"]
    for name in HEADLINE:
        x, y = getattr(first.overall, name).value, getattr(second.overall, name).value
        change = "n/a" if x is None or y is None else f"{y - x:+.3f}"
        lines.append(f"| {name} | {_cell(x)} | {_cell(y)} | {change} |")
    before = {row["id"]: row["passed"] for row in first.items}
    after = {row["id"]: row["passed"] for row in second.items}
    fixed = sorted(i for i in after if after[i] and before.get(i) is False)
    broken = sorted(i for i in after if not after[i] and before.get(i) is True)
    still = sorted(i for i in after if not after[i] and before.get(i) is False)
    lines += [
        "",
        f"fixed ({len(fixed)}): {', '.join(fixed) or '-'}",
        f"broken ({len(broken)}): {', '.join(broken) or '-'}",
    ]
    lines.append(f"still failing ({len(still)}): {', '.join(still) or '-'}")
    return "\n".join(lines) + "\n"
