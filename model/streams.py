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
