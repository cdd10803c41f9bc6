"""The web UI's Evaluation tab: run the development set against the live index and show the report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from assistant.service import TrialQA
from eval import report
from eval.runner import DEFAULT_SET, build_report, evaluate, load_items, locate_evidence


def run_evaluation(qa: TrialQA, set_path: Path = DEFAULT_SET) -> tuple[str, str]:
    """Evaluate, write the reports to a temporary folder; returns (markdown summary, report.html path)."""
    items = load_items(set_path)
    locate_evidence(qa, items)
    results = evaluate(qa, items, None, 5)
    result = build_report(results, {"set": str(set_path), "backend": qa.backend_name, "k": 5, "items": len(items)})
    out = Path(tempfile.mkdtemp(prefix="trialqa-eval-"))
    report.write(result, [r.latency_ms for r in results], out)
    return report.markdown(result), str(out / "report.html")


def build_eval_tab(qa: TrialQA) -> None:
    import gradio as gr

    def run(progress: gr.Progress = gr.Progress(track_tqdm=True)) -> tuple[str, str]:  # noqa: B008
        return run_evaluation(qa)

    with gr.Tab("Evaluation", id="evaluation"):
        gr.Markdown(
            f"Runs the development set ({DEFAULT_SET.name}) through the active backend and reports verdict "
            "accuracy, citation precision/recall, retrieval recall@k, abstention and latency."
        )
        start = gr.Button("Run evaluation", variant="primary", elem_id="run-eval")
        summary = gr.Markdown(elem_id="eval-summary")
        download = gr.File(label="Full HTML report", elem_id="eval-report")
        start.click(run, [], [summary, download], api_name="evaluate")
