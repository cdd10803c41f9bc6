"""Passage vectors by content hash in a SQLite file beside the store, so a passage that any trial has
already had embedded (a standard criterion, "Phase: PHASE2", a hospital that runs many trials) is never
embedded again. It is only a cache: a missing, unreadable or locked file costs time, never answers."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
_LOOKUP_BATCH = 500  # well under SQLite's bound-variable limit


class PassageVectorCache:
    """float32 vectors keyed by (model, passage hash); `model` names the embedder and its token window,
    so changing either starts a fresh namespace instead of serving vectors of another model."""

    def __init__(self, path: Path, model: str, dim: int) -> None:
        self.path = path
        self.model = model
        self.dim = dim
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = self._open()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT, passage TEXT, vector BLOB, "
                "PRIMARY KEY (model, passage)) WITHOUT ROWID"
            )
            db.commit()
            return db
        except sqlite3.Error as error:
            log.warning("%s: vector cache unusable (%s); passages will be embedded afresh", self.path, error)
            return None

    def get_many(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        if self._db is None or not wanted:
            return found
        with self._lock:
            try:
                for begin in range(0, len(wanted), _LOOKUP_BATCH):
                    batch = wanted[begin : begin + _LOOKUP_BATCH]
                    marks = ",".join("?" * len(batch))
                    rows = self._db.execute(
                        f"SELECT passage, vector FROM vectors WHERE model = ? AND passage IN ({marks})",
                        [self.model, *batch],
                    )
                    for passage, blob in rows:
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if vector.shape == (self.dim,):
                            found[passage] = vector
            except sqlite3.Error as error:
                log.warning("%s: vector cache read failed (%s)", self.path, error)
        return found

    def put_many(self, vectors: Mapping[str, np.ndarray]) -> None:
        if self._db is None or not vectors:
            return
        rows = [(self.model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()]
        with self._lock:
            try:
                with self._db:
                    self._db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?)", rows)
            except sqlite3.Error as error:
                log.warning("%s: vector cache write failed (%s)", self.path, error)
