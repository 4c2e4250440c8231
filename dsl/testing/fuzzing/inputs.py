"""The inputs of a run, deterministic per seed: statements, derivations and mutations mixed."""

from __future__ import annotations

import random
from collections.abc import Iterator

from dsl.testing.fuzzing.derivations import derived_policy
from dsl.testing.fuzzing.mutations import mutate, mutated_policy
from dsl.testing.fuzzing.records import FuzzInput
from dsl.testing.fuzzing.statements import statement_policy


# ---------------------------------------------------------------- inputs
def generate(count: int, seed: int | str = 0) -> Iterator[FuzzInput]:
    """`count` inputs, deterministic per seed: input i is `make_input(seed, i)`."""
    for index in range(count):
        yield make_input(seed, index)


def make_input(seed: int | str, index: int) -> FuzzInput:
    """Input `index` of the run with `seed`: 45% statements, 10% derivations, 45% mutations."""
    key = f"{seed}:{index}"
    rng = random.Random(key)
    roll = rng.random()
    if roll < 0.45:
        text = statement_policy(rng)
        if rng.random() < 1 / 3:
            return FuzzInput(mutate(text, rng), "statements, gemuteerd", key)
        return FuzzInput(text, "statements", key)
    if roll < 0.55:
        return FuzzInput(derived_policy(rng), "derivation", key)
    return mutated_policy(rng, key)
