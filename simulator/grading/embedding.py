"""A dense, offline representation of an answer: the mean of static word embeddings.

The vectors are WordLlama's `l2_supercat` 256-d token embeddings (MIT), which ship inside the
`wordllama` wheel. Only its two data files are read, with `tokenizers` and `safetensors`; the
`wordllama` package itself is never imported, so nothing can try to download anything. Loading
takes about 0.1 s and happens on the first answer graded, never at start-up.
"""

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer

DIMENSIONS = 256
_TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
_WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
_MAX_CHARS = 40_000
"""Longer answers are embedded from their first 40,000 characters: the mean has settled long before."""


class EmbeddingUnavailable(RuntimeError):
    """The wordllama wheel's data files are missing or unreadable."""


class _Loaded(NamedTuple):
    tokenizer: "Tokenizer"
    matrix: "np.ndarray"


def data_dir() -> Path:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingUnavailable("the 'wordllama' package is not installed; reinstall mockloop (pip install .)")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def _load() -> _Loaded:
    import numpy as np
    from safetensors import safe_open
    from tokenizers import Tokenizer

    folder = data_dir()
    try:
        tokenizer = Tokenizer.from_file(str(folder / _TOKENIZER))
        with safe_open(str(folder / _WEIGHTS), framework="np") as weights:
            matrix = np.ascontiguousarray(weights.get_tensor("embedding.weight"), dtype=np.float32)
    except Exception as exc:  # a damaged install: say which file
        raise EmbeddingUnavailable(f"cannot read the word embeddings in {folder}: {exc}") from None
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return _Loaded(tokenizer, matrix)


def embed(text: str) -> "np.ndarray":
    """A unit-length 256-d vector for the text (zeros for text with no tokens). Deterministic."""
    import numpy as np

    loaded = _load()
    ids = token_ids(text[:_MAX_CHARS])
    if not ids:
        return np.zeros(DIMENSIONS, dtype=np.float32)
    vector = loaded.matrix[np.asarray(ids, dtype=np.int64)].mean(axis=0)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def token_ids(text: str) -> list[int]:
    """The tokenizer's ids for the text, found word by word when the words are single-spaced.

    The tokenizer turns each space into "▁" and runs BPE over the whole text, and none of its tokens holds
    a "▁" after another character, so no token spans the start of a word: the ids of a text are those of its
    words in turn (each tokenized as if it began the text). Words recur, so each is tokenized once
    (`_word_ids`), much faster than the whole text at once. Runs of spaces, and a space at either end, go
    through the tokenizer whole.
    """
    if "  " in text or text.startswith(" ") or text.endswith(" "):
        return _load().tokenizer.encode(text, add_special_tokens=False).ids
    return [i for word in text.split(" ") for i in _word_ids(word)]


@lru_cache(maxsize=16384)
def _word_ids(word: str) -> tuple[int, ...]:
    return tuple(_load().tokenizer.encode(word, add_special_tokens=False).ids)
