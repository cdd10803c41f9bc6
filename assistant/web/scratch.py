"""One temporary folder per app process for files handed to the browser (FAQ exports, evaluation
reports). Gradio copies a returned file into its own cache, so ours are only needed for a moment:
old ones are swept on every write, the folder goes when the process exits, and folders of
processes that died are removed at start-up."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "trialqa-web-"
_LEGACY = ("trialqa-eval-", "trialqa-faq-")  # one folder per call, left by versions before issue 15
_KEEP_S = 600.0


class ScratchFolder:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(tempfile.gettempdir())
        remove_stale(self.root)
        self.path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=self.root))
        atexit.register(shutil.rmtree, self.path, True)

    def write(self, name: str, text: str) -> Path:
        """Write `name` (a plain file name) and drop files older than ten minutes."""
        self._sweep()
        target = self.path / Path(name).name
        target.write_text(text, encoding="utf-8")
        return target

    def folder(self, name: str) -> Path:
        """A sub-folder, emptied first: it holds one result at a time (e.g. the latest evaluation)."""
        target = self.path / Path(name).name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        return target

    def _sweep(self) -> None:
        cutoff = time.time() - _KEEP_S
        for child in self.path.iterdir():
            if child.is_file() and child.stat().st_mtime < cutoff:
                child.unlink(missing_ok=True)


def remove_stale(root: Path) -> list[Path]:
    """Folders of app processes no longer running, and per-call folders of older versions."""
    removed = []
    for child in root.glob("trialqa-*"):
        if child.is_dir() and _is_stale(child):
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed


def _is_stale(folder: Path) -> bool:
    owner = re.match(rf"{PREFIX}(\d+)-", folder.name)
    if owner:
        return not _alive(int(owner.group(1)))
    if folder.name.startswith(_LEGACY):
        return folder.stat().st_mtime < time.time() - 3600
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
