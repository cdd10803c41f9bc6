"""The index signature: the settings that decide what an index holds (chunk boundaries, passage vectors).

It is stored with the index and in each trial's catalog entry. A trial's index version (its catalog hash,
from which its chunk ids derive) covers the record's content and the signature, so changing a setting here
makes the next `trialqa ingest` rebuild every trial, each replaced whole as an edited record would be.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from ingest.chunking import CHUNKER_VERSION

if TYPE_CHECKING:
    from assistant.settings import Settings

Signature = dict[str, str | int]
# The settings that change chunks or their vectors; the rest (batch sizes, caches, search) do not.
# The signature's keys are the names stores already hold (from before the settings were grouped); each reads its
# grouped setting.
SIGNATURE_SETTINGS = {
    "embedding_model": ("embedding", "model"),
    "embed_max_tokens": ("embedding", "max_tokens"),
    "embed_lookup_passages": ("embedding", "embed_lookup_passages"),
    "chunk_tokens": ("ingest", "chunk_tokens"),
    "chunk_overlap_tokens": ("ingest", "chunk_overlap_tokens"),
}


class IndexSettingsChanged(LookupError):
    """The index was built with other chunking or embedding settings than these; a re-ingest rebuilds it."""


def index_signature(settings: Settings) -> Signature:
    signature: Signature = {
        name: getattr(getattr(settings, group), field) for name, (group, field) in SIGNATURE_SETTINGS.items()
    }
    signature["chunker_version"] = CHUNKER_VERSION
    return signature


def signature_digest(signature: Signature) -> str:
    return hashlib.sha256(json.dumps(signature, sort_keys=True).encode()).hexdigest()[:16]


def index_version(fingerprint: str, digest: str) -> str:
    """A trial's version in the index: its content fingerprint under one signature."""
    return hashlib.sha256(f"{fingerprint}|{digest}".encode()).hexdigest()[:16]


def mismatch_message(stored: Signature, current: Signature) -> str:
    """One line naming what differs, e.g. "chunk_tokens 256, now 128", and what to do about it."""
    changed = [
        f"{name} {stored.get(name, '?')}, now {current.get(name, '?')}"
        for name in sorted(set(stored) | set(current))
        if stored.get(name) != current.get(name)
    ]
    return (
        f"the index was built with other settings ({'; '.join(changed)}); "
        "run `trialqa ingest` to rebuild it with the current ones"
    )
