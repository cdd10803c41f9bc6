"""Metrics over a run: proportions with Wilson 95% intervals, retrieval ranks, abstention, latency."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from eval.records import DEFINITE_VERDICTS, EvalResult, verdict_is_correct, verdict_is_wrong

Z95 = 1.959963984540054
MIN_N_FOR_INTERVAL = 5
OUT_OF_SCOPE = frozenset({"out-of-scope", "injection"})


class Proportion(BaseModel):
    value: float | None
    n: int
    ci_low: float | None = None
    ci_high: float | None = None


def wilson(successes: int, n: int) -> Proportion:
    if n == 0:
        return Proportion(value=None, n=0)
    p = successes / n
    if n < MIN_N_FOR_INTERVAL:
        return Proportion(value=p, n=n)
    denominator = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
    return Proportion(value=p, n=n, ci_low=max(0.0, centre - half), ci_high=min(1.0, centre + half))


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default method)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Metrics(BaseModel):
    items: int
    verdict_accuracy: Proportion
    wrong_verdicts: int
    wrong_verdict_share: Proportion
    verdict_coverage: Proportion
    value_correct: Proportion
    citation_precision: Proportion
    citation_recall: Proportion
    phantom_citations: int
    recall_at_1: Proportion
    recall_at_5: Proportion
    recall_at_10: Proportion = Proportion(value=None, n=0)  # absent from reports written before it was added
    recall_at_k: dict[str, float | None]
    mrr: float | None
    abstention_precision: Proportion
    abstention_recall: Proportion
    out_of_scope_abstained: Proportion
    latency_p50_ms: float | None
    latency_p95_ms: float | None


def _share(
    results: Sequence[EvalResult], applies: Callable[[EvalResult], bool], good: Callable[[EvalResult], bool]
) -> Proportion:
    pool = [r for r in results if applies(r)]
    return wilson(sum(1 for r in pool if good(r)), len(pool))


def compute(results: Sequence[EvalResult], max_k: int = 10) -> Metrics:
    with_gold = [r for r in results if r.item.gold_evidence]
    ranks = [r.gold_rank for r in with_gold]
    cited = sum(len(r.citations) for r in with_gold)
    gold_total = sum(len(r.item.gold_evidence) for r in with_gold)
    latencies = [r.latency_ms for r in results]
    return Metrics(
        items=len(results),
        verdict_accuracy=_share(results, lambda r: r.verdict_correct is not None, lambda r: bool(r.verdict_correct)),
        wrong_verdicts=sum(1 for r in results if r.verdict_wrong),
        # Of the verdicts the assistant gave, how many told the person the opposite of the record.
        wrong_verdict_share=_share(results, lambda r: r.verdict in DEFINITE_VERDICTS, lambda r: r.verdict_wrong),
        # Of the questions the record decides, how many got a verdict at all.
        verdict_coverage=_share(
            results, lambda r: r.item.gold_verdict in DEFINITE_VERDICTS, lambda r: r.verdict in DEFINITE_VERDICTS
        ),
        value_correct=_share(results, lambda r: r.value_correct is not None, lambda r: bool(r.value_correct)),
        citation_precision=wilson(sum(r.cited_matching for r in with_gold), cited),
        citation_recall=wilson(sum(r.cited_gold for r in with_gold), gold_total),
        phantom_citations=sum(r.phantom_citations for r in results),
        recall_at_1=wilson(sum(1 for k in ranks if k is not None and k <= 1), len(ranks)),
        recall_at_5=wilson(sum(1 for k in ranks if k is not None and k <= 5), len(ranks)),
        recall_at_10=wilson(sum(1 for k in ranks if k is not None and k <= 10), len(ranks)),
        recall_at_k={
            str(k): (sum(1 for x in ranks if x is not None and x <= k) / len(ranks)) if ranks else None
            for k in range(1, max_k + 1)
        },
        mrr=(sum(1 / k for k in ranks if k is not None) / len(ranks)) if ranks else None,
        abstention_precision=_share(results, lambda r: r.abstained, lambda r: r.item.expect_abstain),
        abstention_recall=_share(results, lambda r: r.item.expect_abstain, lambda r: r.abstained),
        out_of_scope_abstained=_share(
            results,
            lambda r: r.item.category in OUT_OF_SCOPE,
            lambda r: r.abstained and r.verdict not in DEFINITE_VERDICTS and not r.citations,
        ),
        latency_p50_ms=percentile(latencies, 0.50),
        latency_p95_ms=percentile(latencies, 0.95),
    )


def by_category(results: Sequence[EvalResult]) -> dict[str, Metrics]:
    groups: dict[str, list[EvalResult]] = {}
    for result in results:
        groups.setdefault(result.item.category, []).append(result)
    return {category: compute(group) for category, group in sorted(groups.items())}


def by_failure_class(results: Sequence[EvalResult]) -> dict[str, Metrics]:
    groups: dict[str, list[EvalResult]] = {}
    for result in results:
        if result.item.failure_class:
            groups.setdefault(result.item.failure_class, []).append(result)
    return {name: compute(group) for name, group in sorted(groups.items())}


class PathPrecision(BaseModel):
    """The verdicts one reasoning path carried, and how many of them the gold contradicts."""

    verdicts: int
    correct: int
    wrong: int
    precision: Proportion


def by_decision_path(results: Sequence[EvalResult]) -> dict[str, PathPrecision]:
    """Per reasoning path and verdict ("concept/exclusion -> excluded"): the calibration table. A path whose
    verdicts the gold often contradicts should quote its criterion without a verdict instead. Exclusions the
    answerer quoted without a verdict are scored as if it had said "excluded" ("... -> excluded (withheld)"): what
    withholding them costs in correct verdicts and saves in wrong ones, measured on every reading."""
    stated: dict[str, list[EvalResult]] = {}
    withheld: dict[str, list[EvalResult]] = {}
    for result in results:
        if result.item.gold_verdict is None:
            continue
        if result.verdict in DEFINITE_VERDICTS:
            for path in result.decided_by or ["(none recorded)"]:
                stated.setdefault(f"{path} -> {result.verdict}", []).append(result)
        for path in [] if result.verdict in DEFINITE_VERDICTS else result.withheld_by:
            withheld.setdefault(f"{path} -> excluded (withheld)", []).append(result)
    table = {
        name: _precision(group, [bool(r.verdict_correct) for r in group], [r.verdict_wrong for r in group])
        for name, group in stated.items()
    }
    table |= {
        name: _precision(
            group,
            [bool(verdict_is_correct(r.item, "excluded", abstained=False)) for r in group],
            [verdict_is_wrong(r.item, "excluded") for r in group],
        )
        for name, group in withheld.items()
    }
    return dict(sorted(table.items()))


def _precision(group: Sequence[EvalResult], correct: Sequence[bool], wrong: Sequence[bool]) -> PathPrecision:
    n, wrongs = len(group), sum(wrong)
    return PathPrecision(verdicts=n, correct=sum(correct), wrong=wrongs, precision=wilson(n - wrongs, n))
