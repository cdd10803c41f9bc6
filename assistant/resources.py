"""Files shipped inside the `assistant` package (prompts, demo records), found with importlib.resources.

They live in assistant/data/ so a wheel installed anywhere carries them; the top-level `prompts/` and
`data/demo/` a checkout shows are links to these folders, not copies.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

DATA = ("data",)


def user_cache_dir() -> Path:
    """Where things derived from shipped files are kept between runs ($XDG_CACHE_HOME/trialqa, else ~/.cache)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "trialqa"


def package_data(*parts: str) -> Traversable:
    """assistant/data/<parts...> wherever the package is installed (checkout, editable or wheel)."""
    return resources.files("assistant").joinpath(*DATA, *parts)


def package_folder(*parts: str) -> Path:
    """A packaged folder as a filesystem path: ingest walks folders with pathlib. Wheels install unpacked,
    so this holds for every supported install; a zipped install is refused clearly instead of half-working."""
    folder = package_data(*parts)
    if not isinstance(folder, Path) or not folder.is_dir():
        raise FileNotFoundError(f"{folder}: packaged folder missing or not on the filesystem (reinstall trialqa)")
    return folder


def bundled_demo_data() -> Path:
    """The demo records `trialqa demo` indexes: NCT06839066's page text and 100 API v2 records."""
    return package_folder("demo")
