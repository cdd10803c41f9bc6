"""Ingest: files -> Trials -> Chunks -> the store, one trial at a time, bad files reported and skipped.

One bad file, or one trial that cannot be chunked or stored, costs that file or trial only: it becomes one
error line in the report (bounded, naming the file) and the rest of the batch, folder or zip is indexed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from assistant.settings import Settings
from assistant.store import Outcome, TrialStore
from ingest.chunking import chunk_trial, trial_fingerprint
from ingest.loaders import LoadError, count_inputs, iter_inputs
from ingest.records import Chunk, Trial

GROUP_CHUNKS = 256  # chunks whose new passages are embedded and written together


@dataclass
class IngestReport:
    """What an ingest did; `errors` holds one line per failed file or trial, "<file>: <problem>"."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    chunks_written: int = 0
    files: int = 0

    def summary(self) -> str:
        return (
            f"{self.files} files: {len(self.added)} trials added, {len(self.replaced)} replaced, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} errors; {self.chunks_written} chunks written"
        )


def ingest_paths(
    paths: Sequence[Path], store: TrialStore, settings: Settings, show_progress: bool = True
) -> IngestReport:
    """Load, chunk and store every trial under `paths`; trials are written in groups so their new
    passages are embedded together, each trial still committed on its own (all of it or none)."""
    report = IngestReport()
    seen: dict[str, tuple[str, str]] = {}
    pending: list[tuple[Trial, list[Chunk]]] = []
    origin: dict[str, str] = {}  # trial id -> the file it came from, for a store error's line
    limits = {"max_file_bytes": settings.max_file_bytes, "max_zip_members": settings.max_zip_members}
    total = count_inputs(paths) if show_progress else None
    with tqdm(total=total, unit="file", desc="ingest", disable=not show_progress) as bar:
        for loaded in iter_inputs(paths, **limits):
            report.files += 1
            bar.update(1)
            if loaded.error is not None:
                report.errors.append(str(loaded.error))
                continue
            for trial in loaded.trials:
                clash = _clash(trial, loaded.path, seen)
                if clash:
                    report.errors.append(clash)
                    continue
                try:
                    chunks = chunk_trial(trial, settings.chunk_tokens, settings.chunk_overlap_tokens)
                except Exception as error:  # a chunker bug on one record fails that trial, not the batch
                    report.errors.append(_error_line(loaded.path, trial.trial_id, "cannot be chunked", error))
                    continue
                pending.append((trial, chunks))
                origin[trial.trial_id] = loaded.path
            if sum(len(chunks) for _, chunks in pending) >= GROUP_CHUNKS:
                _flush(pending, store, report, origin)
        _flush(pending, store, report, origin)
    return report


def _error_line(path: str, trial_id: str, what: str, error: Exception) -> str:
    return str(LoadError(path, f"{trial_id} {what} ({type(error).__name__}: {error}); not indexed"))


def _clash(trial: Trial, path: str, seen: dict[str, tuple[str, str]]) -> str | None:
    """The same NCT id twice in one batch with different content: keep the first, report the second."""
    fingerprint = trial_fingerprint(trial)
    earlier = seen.setdefault(trial.trial_id, (path, fingerprint))
    if earlier[1] == fingerprint:
        return None
    return str(LoadError(path, f"{trial.trial_id} is also in {earlier[0]} with different content; kept that one"))


def _flush(
    pending: list[tuple[Trial, list[Chunk]]], store: TrialStore, report: IngestReport, origin: dict[str, str]
) -> None:
    if not pending:
        return
    unique = list({trial.trial_id: (trial, chunks) for trial, chunks in pending}.values())
    pending.clear()
    try:
        outcomes = store.upsert_many(unique)
    except Exception:
        # A group is made visible by one catalog write, so a failed group left nothing visible: store its
        # trials one by one, and only the trial that cannot be stored is reported and skipped.
        for item in unique:
            _store_one(item, store, report, origin)
        return
    for item, outcome in zip(unique, outcomes, strict=True):
        _record(item, outcome, report)


def _store_one(
    item: tuple[Trial, list[Chunk]], store: TrialStore, report: IngestReport, origin: dict[str, str]
) -> None:
    trial = item[0]
    try:
        (outcome,) = store.upsert_many([item])
    except Exception as error:
        report.errors.append(_error_line(origin.get(trial.trial_id, "?"), trial.trial_id, "cannot be stored", error))
        return
    _record(item, outcome, report)


def _record(item: tuple[Trial, list[Chunk]], outcome: Outcome, report: IngestReport) -> None:
    trial, chunks = item
    if outcome is not Outcome.UNCHANGED:
        report.chunks_written += len(chunks)
    {Outcome.ADDED: report.added, Outcome.REPLACED: report.replaced, Outcome.UNCHANGED: report.unchanged}[
        outcome
    ].append(trial.trial_id)
