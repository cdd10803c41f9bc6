"""Metric code on small hand-made cases whose right figures are worked out in the comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.metrics import compute, percentile, wilson
from eval.records import CitedPassage, EvalItem, EvalResult, Evidence, score
from eval.report import Report, compare_reports, write

T = "NCT00000001"


def passage(
    section: str, criterion: str | None = None, start: int | None = None, end: int | None = None
) -> CitedPassage:
    return CitedPassage(trial_id=T, section=section, criterion=criterion, start=start, end=end)


EXC7 = ("Exclusion Criteria", "7")


def item(i: int, verdict: str | None = "excluded", evidence: tuple[str, str | None] | None = EXC7,
         abstain: bool = False, values: tuple[str, ...] = ()) -> EvalItem:  # fmt: skip
    return EvalItem(
        id=f"i{i}",
        trial_id=T,
        question=f"q{i}",
        category="eligibility-excluded",
        gold_verdict=verdict,  # type: ignore[arg-type]
        gold_values=list(values),
        gold_evidence=[Evidence(trial_id=T, section=evidence[0], criterion=evidence[1])] if evidence else [],
        expect_abstain=abstain,
    )


def run(it: EvalItem, verdict: str | None, cited: list[CitedPassage], retrieved: list[CitedPassage],
        abstained: bool = False, answer: str = "", latency: float = 10.0, phantom: int = 0) -> EvalResult:  # fmt: skip
    return score(it, verdict=verdict, answer=answer, abstained=abstained, citations=cited, retrieved=retrieved,
                 backend="offline", latency_ms=latency, phantom_citations=phantom)  # fmt: skip


def test_wilson_interval_by_hand() -> None:
    # p = 8/10, z = 1.96: centre = (0.8 + 1.96²/20) / (1 + 1.96²/10) = 0.99208/1.38415 = 0.71674;
    # half = 1.96 * sqrt(0.016 + 0.0096037) / 1.38415 = 0.22658 -> [0.4902, 0.9433]
    p = wilson(8, 10)
    assert p.value == 0.8
    assert p.ci_low == pytest.approx(0.4902, abs=1e-4)
    assert p.ci_high == pytest.approx(0.9433, abs=1e-4)
    assert wilson(3, 4).ci_low is None  # fewer than 5 cases: no interval
    assert wilson(0, 0).value is None


def test_verdict_accuracy_recall_and_mrr() -> None:
    gold = passage("Exclusion Criteria", "7")
    other = passage("Exclusion Criteria", "3")
    results = [
        run(item(1), "excluded", [gold], [gold, other]),  # right, gold at rank 1
        run(item(2), "excluded", [gold], [other, gold]),  # right, rank 2
        run(item(3), "allowed", [other], [other] * 5 + [gold]),  # wrong, rank 6 (outside @5)
        run(item(4), "excluded", [gold], [other]),  # right, never retrieved
    ]
    m = compute(results)
    assert m.verdict_accuracy.value == 0.75  # 3 of 4
    assert m.recall_at_1.value == 0.25  # only item 1
    assert m.recall_at_5.value == 0.5  # items 1 and 2
    assert m.recall_at_k["6"] == 0.75
    assert m.recall_at_10.value == 0.75  # items 1-3; item 4 never retrieved
    assert m.mrr == pytest.approx((1 + 1 / 2 + 1 / 6 + 0) / 4)


def test_citation_precision_recall_and_phantoms() -> None:
    gold7, gold9 = passage("Exclusion Criteria", "7"), passage("Exclusion Criteria", "9")
    two_gold = item(1).model_copy(
        update={"gold_evidence": [Evidence(trial_id=T, section="Exclusion Criteria", criterion=c) for c in ("7", "9")]}
    )
    # cites 7 (right) and Inclusion 2 (wrong), misses 9: precision 1/2, recall 1/2; one phantom reported.
    result = run(two_gold, "excluded", [gold7, passage("Inclusion Criteria", "2")], [gold7, gold9], phantom=1)
    m = compute([result])
    assert (m.citation_precision.value, m.citation_recall.value) == (0.5, 0.5)
    assert m.phantom_citations == 1
    assert result.failed


def test_position_matching_for_passages_without_sections() -> None:
    evidence = Evidence(trial_id=T, section="Exclusion Criteria", criterion="7", spans=[(100, 200)])
    assert evidence.matches(passage("Record text", start=50, end=160))  # holds 60 of 100 chars
    assert not evidence.matches(passage("Record text", start=170, end=400))  # holds 30 of 100


def test_basic_information_in_gold_covers_the_record_fields_the_loaders_section_apart() -> None:
    """Item writers file the sponsor, conditions and design fields under "Basic Information"; the loaders give them
    sections of their own. A criterion or a description is still no match."""
    evidence = Evidence(trial_id=T, section="Basic Information")
    assert evidence.matches(passage("Sponsors"))
    assert evidence.matches(passage("Study Design"))
    assert evidence.matches(passage("Basic Information"))
    assert not evidence.matches(passage("Detailed Description"))
    assert not evidence.matches(passage("Inclusion Criteria", "1"))
    assert Evidence(trial_id=T, section="Outcomes").matches(passage("Outcome Measures"))
    assert not Evidence(trial_id=T, section="Sponsors").matches(passage("Basic Information"))
    # "Arms" in gold is the arm groups both loaders section as "Study Groups" (dev25-dev29's writers say "Arms")
    assert Evidence(trial_id=T, section="Arms").matches(passage("Study Groups"))
    assert not Evidence(trial_id=T, section="Arms").matches(passage("Interventions"))


def test_abstention_precision_and_recall() -> None:
    results = [
        run(item(1, None, None, abstain=True), None, [], [], abstained=True),  # right abstention
        run(item(2, None, None, abstain=True), None, [], [], abstained=False),  # missed abstention
        run(item(3), "excluded", [], [], abstained=True),  # abstained wrongly
    ]
    m = compute(results)
    assert m.abstention_precision.value == 0.5  # of 2 abstentions, 1 was expected
    assert m.abstention_recall.value == 0.5  # of 2 expected, 1 happened


def test_value_and_latency_percentiles() -> None:
    results = [
        run(item(i, None, None, values=("70 participants", "70")), None, [], [], answer=a, latency=lat)
        for i, (a, lat) in enumerate(
            [("Enrollment: 70 participants", 10), ("It enrols  70", 20), ("unknown", 30), ("x", 40)]
        )
    ]
    m = compute(results)
    assert m.value_correct.value == 0.5
    assert m.latency_p50_ms == 25.0  # midway between 20 and 30
    assert m.latency_p95_ms == pytest.approx(38.5)  # 30 + 0.85 * 10
    assert percentile([], 0.5) is None


def test_reports_written_escaped_and_compared(tmp_path: Path) -> None:
    gold = passage("Exclusion Criteria", "7")
    injected = item(1).model_copy(update={"question": "<script>alert(1)</script>"})
    before = [run(injected, "allowed", [], [gold]), run(item(2), "excluded", [gold], [gold])]
    after = [run(injected, "excluded", [gold], [gold]), run(item(2), "allowed", [gold], [gold])]
    for name, results in (("a", before), ("b", after)):
        report = Report(
            run={"set": "t", "backend": "offline", "k": 5, "commit": "x", "timestamp": "now"},
            overall=compute(results),
            per_category={},
            failures=[],
            items=[{"id": r.item.id, "passed": not r.failed} for r in results],
        )
        write(report, [r.latency_ms for r in results], tmp_path / name)
    page = (tmp_path / "a" / "report.html").read_text()
    assert "<script>" not in page
    assert set(json.loads((tmp_path / "a" / "report.json").read_text())) >= {
        "run",
        "overall",
        "per_category",
        "failures",
    }
    diff = compare_reports(tmp_path / "a" / "report.json", tmp_path / "b" / "report.json")
    assert "fixed (1): i1" in diff and "broken (1): i2" in diff


def test_verdicts_are_tallied_per_decision_path() -> None:
    """Each verdict counts under the paths that carried it; wrong = the gold contradicts it (the calibration view)."""
    from eval.metrics import by_decision_path

    def decided(it: EvalItem, verdict: str | None, paths: list[str]) -> EvalResult:
        return score(it, verdict=verdict, answer="", abstained=False, citations=[], retrieved=[], backend="offline",
                     latency_ms=1.0, phantom_citations=0, decided_by=paths)  # fmt: skip

    results = [
        decided(item(1), "excluded", ["concept/exclusion"]),
        decided(item(2, verdict="allowed"), "excluded", ["concept/exclusion", "value/inclusion"]),
        decided(item(3), None, []),
    ]
    table = by_decision_path(results)
    assert set(table) == {"concept/exclusion -> excluded", "value/inclusion -> excluded"}
    concept = table["concept/exclusion -> excluded"]
    assert (concept.verdicts, concept.correct, concept.wrong) == (2, 1, 1)
    assert table["value/inclusion -> excluded"].wrong == 1


def test_an_assessment_names_the_paths_that_carry_its_decision() -> None:
    from assistant.eligibility import Assessment, Decision, Finding
    from assistant.grounding import Span
    from ingest.records import Chunk

    chunk = Chunk(chunk_id="c", trial_id=T, section="Exclusion Criteria", kind="criterion", text="Active hepatitis B",
                  start=0, end=18)  # fmt: skip
    excluded = Finding("hep B", Decision.EXCLUDED, chunk, Span(0, 5), "", path="concept/exclusion")
    allowed = Finding("age 40", Decision.ALLOWED, chunk, Span(0, 5), "", path="record field/minimum_age")
    assert Assessment([excluded, allowed]).decided_by() == ["concept/exclusion"]  # the exclusion decides, not the age
    assert Assessment([allowed]).decided_by() == ["record field/minimum_age"]
    undecided = Finding("asthma", Decision.UNDECIDED, chunk, Span(0, 5), "", path="concept/exclusion")
    assert Assessment([allowed, undecided]).decided_by() == []  # no verdict, no path


def test_the_invariant_probe_counts_questions_and_breaks() -> None:
    """eval/probes.py builds 'I have never had X' from a real record's criteria and counts what broke the rule."""
    from eval.probes import run

    record = Path(__file__).resolve().parents[1] / "eval" / "data" / "unseen" / "records" / "dev4"
    counts = run("negated", [record], limit=2, shown=0)
    assert counts["asked"] > 3
    assert counts["asked"] == sum(v for k, v in counts.items() if k not in ("asked", "broke the invariant"))
    assert counts["broke the invariant"] <= counts["excluded"]


def test_withheld_exclusions_are_scored_as_if_stated() -> None:
    """An exclusion quoted without a verdict is tallied apart: `correct` if the gold is "excluded", `wrong` where the
    gold admits or the question lacks what decides it. An answer that gave a verdict anyway is not counted."""
    from eval.metrics import by_decision_path

    def withheld(it: EvalItem, verdict: str | None, paths: list[str]) -> EvalResult:
        return score(it, verdict=verdict, answer="", abstained=False, citations=[], retrieved=[], backend="offline",
                     latency_ms=1.0, phantom_citations=0, withheld_by=paths)  # fmt: skip

    named = ["concept/exclusion/named"]
    results = [
        withheld(item(1), None, named),  # gold excluded: stating it would have been right
        withheld(item(2, verdict="allowed"), None, named),  # gold admits: it would have been wrong
        withheld(item(3, verdict="undecided"), None, named),  # a flat "excluded" on an undecided item is wrong
        withheld(item(4, verdict="allowed"), "allowed", named),  # a verdict was given: not a withheld one
    ]
    row = by_decision_path(results)["concept/exclusion/named -> excluded (withheld)"]
    assert (row.verdicts, row.correct, row.wrong) == (3, 1, 2)


def test_an_assessment_names_its_withheld_exclusions_only_when_they_would_decide() -> None:
    from assistant.eligibility import Assessment, Decision, Finding
    from assistant.grounding import Span
    from ingest.records import Chunk

    chunk = Chunk(chunk_id="c", trial_id=T, section="Exclusion Criteria", kind="criterion", text="Pregnancy",
                  start=0, end=9)  # fmt: skip
    held = Finding("pregnant", Decision.UNDECIDED, chunk, Span(0, 9), "", path="concept/exclusion/named", withheld=True)
    value = Finding("ALT 300", Decision.EXCLUDED, chunk, Span(0, 9), "", path="value/exclusion")
    assert Assessment([held]).withheld_by() == ["concept/exclusion/named"]
    assert Assessment([held, value]).withheld_by() == []  # excluded anyway: withholding changed nothing
