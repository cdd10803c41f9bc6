"""Ingest: files -> Trials -> Chunks -> the store, one trial at a time, bad files reported and skipped.

One bad file, or one trial that cannot be chunked or stored, costs that file or trial only: it becomes one
error line in the report (bounded, naming the file) and the rest of the batch, folder or zip is indexed.

When the index signature (chunking and embedding settings) changed, every stored trial not in the inputs is
rebuilt from its catalogued record, each replaced whole; the new signature is recorded only once no trial
is left under the old one, so an interrupted rebuild resumes at the next ingest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tqdm import tqdm

from ingest.chunking import chunk_trial, trial_fingerprint
from ingest.loaders import LoadError, count_inputs, iter_inputs
from ingest.records import Chunk, Outcome, Trial

GROUP_CHUNKS = 256  # chunks whose new passages are embedded and written together


class IngestSettings(Protocol):
    """The settings ingest reads (assistant.settings.Settings.ingest has them); ingest does not import assistant."""

    @property
    def max_file_bytes(self) -> int: ...
    @property
    def max_zip_members(self) -> int: ...
    @property
    def chunk_tokens(self) -> int: ...
    @property
    def chunk_overlap_tokens(self) -> int: ...


class TrialIndex(Protocol):
    """What ingest writes to: assistant.store.TrialStore, whose write order keeps each trial all-or-nothing."""

    @property
    def signature(self) -> Mapping[str, str | int]: ...
    def version_of(self, trial: Trial) -> str: ...
    def upsert_many(self, items: Sequence[tuple[Trial, Sequence[Chunk]]]) -> list[Outcome]: ...
    def stored_signature(self) -> Mapping[str, str | int] | None: ...
    def outdated_trials(self) -> list[str]: ...
    def get_trial(self, trial_id: str) -> Trial | None: ...
    def record_signature(self) -> None: ...


@dataclass
class IngestReport:
    """What an ingest did; `errors` holds one line per failed file or trial, "<file>: <problem>"."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)  # stored trials re-chunked and re-embedded for new settings
    errors: list[str] = field(default_factory=list)
    chunks_written: int = 0
    files: int = 0

    def summary(self) -> str:
        rebuilt = f"; {len(self.rebuilt)} stored trials rebuilt for new index settings" if self.rebuilt else ""
        return (
            f"{self.files} files: {len(self.added)} trials added, {len(self.replaced)} replaced, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} errors; {self.chunks_written} chunks written"
            + rebuilt
        )


def ingest_paths(
    paths: Sequence[Path], store: TrialIndex, settings: IngestSettings, show_progress: bool = True
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
                chunks = _chunks(trial, loaded.path, store, settings, report)
                if chunks is not None:
                    pending.append((trial, chunks))
                    origin[trial.trial_id] = loaded.path
            if sum(len(chunks) for _, chunks in pending) >= GROUP_CHUNKS:
                _flush(pending, store, report, origin)
        _flush(pending, store, report, origin)
    _rebuild_outdated(store, settings, report)
    return report


def _chunks(
    trial: Trial, path: str, store: TrialIndex, settings: IngestSettings, report: IngestReport
) -> list[Chunk] | None:
    """The trial's chunks under the store's settings; None (and an error line) when the chunker fails on it."""
    try:
        return chunk_trial(trial, settings.chunk_tokens, settings.chunk_overlap_tokens, store.version_of(trial))
    except Exception as error:  # a chunker bug on one record fails that trial, not the batch
        report.errors.append(_error_line(path, trial.trial_id, "cannot be chunked", error))
        return None


def _rebuild_outdated(store: TrialIndex, settings: IngestSettings, report: IngestReport) -> None:
    """Bring every stored trial to the current index signature, then record it. Costs one read when the
    signature is unchanged. A trial that fails keeps its old version, and the signature stays unrecorded."""
    if store.stored_signature() == store.signature:
        return
    rebuilt = IngestReport()
    pending: list[tuple[Trial, list[Chunk]]] = []
    origin: dict[str, str] = {}
    for trial_id in store.outdated_trials():
        trial = store.get_trial(trial_id)
        chunks = _chunks(trial, trial.source_path, store, settings, report) if trial is not None else None
        if trial is None or chunks is None:
            continue
        pending.append((trial, chunks))
        origin[trial_id] = trial.source_path
        if sum(len(c) for _, c in pending) >= GROUP_CHUNKS:
            _flush(pending, store, rebuilt, origin)
    _flush(pending, store, rebuilt, origin)
    report.rebuilt += rebuilt.replaced + rebuilt.added
    report.chunks_written += rebuilt.chunks_written
    report.errors += rebuilt.errors
    if not store.outdated_trials():
        store.record_signature()


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
    pending: list[tuple[Trial, list[Chunk]]], store: TrialIndex, report: IngestReport, origin: dict[str, str]
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
    item: tuple[Trial, list[Chunk]], store: TrialIndex, report: IngestReport, origin: dict[str, str]
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
