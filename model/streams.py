"""Named random streams, one per mechanism, all derived from the model's seed.

Each mechanism draws from its own generator, so switching one policy on (which changes how
many draws, say, procurement makes) never shifts the draws of unrelated mechanisms: scenarios
compare on common random numbers. Streams whose draws do not depend on the state of the run
(events, evaluation, incidents, cohesion) draw fixed-shape arrays every step.
"""

from __future__ import annotations

import zlib

import numpy as np

STREAMS = ("setup", "events", "evaluation", "procurement", "incidents", "cohesion")


def root_sequence(rng: int | np.random.SeedSequence | np.random.Generator | None,
                  ) -> np.random.SeedSequence:
    """The SeedSequence every stream derives from.

    An int (the usual case) or SeedSequence is used as is; a Generator contributes one draw.
    ``None`` means fresh OS entropy (a non-reproducible run).
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(int(rng.integers(2**63)))
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.SeedSequence(None if rng is None else int(rng))
    raise TypeError(f"rng must be an int, SeedSequence, Generator or None, got {type(rng)!r}")


def make_streams(root: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One independent generator per mechanism, keyed by a stable hash of its name."""
    return {
        name: np.random.Generator(np.random.PCG64(np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, zlib.crc32(name.encode())))))
        for name in STREAMS
    }


class RowBuffer:
    """Rows of one stream's draws, generated a block at a time and handed out in order.

    A generator fills a ``(k, width)`` request element by element, so one block of rows
    read in order equals many smaller requests made one after another: buffering leaves
    every value where it was, only the number of generator calls (and their overhead, paid
    once per run per call) falls. Use it only for a stream with a single kind of draw.
    """

    def __init__(self, draw, width: int, block_rows: int) -> None:
        self._draw = draw  # draw(shape) -> array of that shape
        self._width = width
        self._block = max(1, block_rows)
        self._rows = np.empty((0, width))
        self._next = 0

    def take(self, k: int) -> np.ndarray:
        """The next ``k`` rows, ``(k, width)``."""
        if self._next + k > len(self._rows):
            rest = self._rows[self._next:]
            fresh = self._draw((max(k - len(rest), self._block), self._width))
            self._rows = np.concatenate([rest, fresh]) if len(rest) else fresh
            self._next = 0
        rows = self._rows[self._next:self._next + k]
        self._next += k
        return rows
