"""The web UI's Evaluation tab (administrator only): run the development set against the live index
and show the report. With an LLM configured one run costs a model call per item, so readers cannot
start it; `trialqa eval` runs it offline from the command line."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.service import TrialQA
from eval import report
from eval.runner import DEFAULT_SET, build_report, evaluate, load_items, locate_evidence

if TYPE_CHECKING:
    from assistant.web.guards import Guards


def run_evaluation(qa: TrialQA, set_path: Path = DEFAULT_SET, out: Path | None = None) -> tuple[str, str]:
    """Evaluate and write the reports to `out` (default: a new temporary folder); returns
    (markdown summary, report.html path)."""
    items = load_items(set_path)
    locate_evidence(qa, items)
    results = evaluate(qa, items, None, 5)
    result = build_report(results, {"set": str(set_path), "backend": qa.backend_name, "k": 5, "items": len(items)})
    out = out or Path(tempfile.mkdtemp(prefix="trialqa-eval-"))
    report.write(result, [r.latency_ms for r in results], out)
    return report.markdown(result), str(out / "report.html")


def build_eval_tab(qa: TrialQA, guards: Guards) -> None:
    import gradio as gr

    from assistant.web.limits import Refused

    def run(request: gr.Request, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> tuple[str, Any]:  # noqa: B008
        try:
            guards.require_admin(request, "run the evaluation")
        except Refused as error:
            raise gr.Error(str(error), print_exception=False) from None
        # one folder for the latest run, replaced each time, instead of a new folder per call
        return run_evaluation(qa, out=guards.scratch.folder("evaluation"))

    # Gradio hands the request to a parameter typed gr.Request, found through typing.get_type_hints, which
    # cannot resolve "gr.Request" here (gradio is imported in this function, not the module): name it directly.
    run.__annotations__.update(request=gr.Request, progress=gr.Progress)

    with gr.Tab("Evaluation", id="evaluation"):
        gr.Markdown(
            f"Administrator only. Runs the development set ({DEFAULT_SET.name}) through the active backend and "
            "reports verdict accuracy, citation precision/recall, retrieval recall@k, abstention and latency."
        )
        start = gr.Button("Run evaluation", variant="primary", elem_id="run-eval")
        summary = gr.Markdown(elem_id="eval-summary")
        download = gr.File(label="Full HTML report", elem_id="eval-report")
        start.click(run, [], [summary, download], api_name="evaluate", concurrency_limit=1)
