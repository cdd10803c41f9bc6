"""The full development-set evaluation, as CI runs it: thresholds from issue 4 must hold."""

from __future__ import annotations

from collections import Counter

from assistant.service import TrialQA
from eval.runner import DEFAULT_SET, build_report, evaluate, load_items, locate_evidence, missed_thresholds


def test_development_set_shape() -> None:
    items = load_items(DEFAULT_SET)
    categories = Counter(i.category for i in items)
    assert len(items) >= 200
    assert len(categories) == 10
    assert len({i.trial_id for i in items} - {"NCT06839066"}) >= 30


def test_offline_backend_meets_quality_thresholds(qa: TrialQA) -> None:
    items = load_items(DEFAULT_SET)
    locate_evidence(qa, items)
    report = build_report(evaluate(qa, items, "offline", 5), {"set": str(DEFAULT_SET)})
    assert missed_thresholds(report) == [], report.failures
    assert report.overall.phantom_citations == 0


def test_evaluation_tab_runs_the_set_and_writes_the_html_report(qa: TrialQA) -> None:
    from pathlib import Path

    from eval.ui import run_evaluation

    summary, html_path = run_evaluation(qa)
    assert "| system | 1.000" in summary or "| system | 0.9" in summary
    page = Path(html_path).read_text()
    assert "Per-category accuracy" in page and "data:image/png;base64," in page
