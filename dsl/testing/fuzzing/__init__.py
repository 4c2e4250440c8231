"""Fuzzing: policy texts and cases, generated or mutated, fed through every stage a user's input reaches.

Contract: `generate(count, seed)` yields `count` `FuzzInput`s, the same ones for the same seed;
`make_input(seed, index)` rebuilds input `index` of that run alone (a reproducer needs no more).
`run(inputs)` feeds each input to `dsl.policy.compile_text`; when that compiles it evaluates one
case with a trace (the input's own case, else one made from the policy with the input's seed),
runs the policy's voorbeelden, explains the outcome (`dsl.explain.explain` and `render`), asks
for the what-if suggestions and formats `to_dict()` as JSON. It returns a `Tally`: how many
compiled, how many were refused with a Dutch `BeleidError`, and every *internal error* with its
input, stage and traceback. An internal error is any exception other than `BeleidError` (and its
subclasses), a `BeleidError` whose rendered text holds Python or English library words
(`ENGLISH`), or an input that takes longer than `seconds`.

Three generators, mixed by `make_input`:
- *statements* (`statement_policy`): a hand-written generator of declarations, rules and
  voorbeelden that follows grammar/beleid.lark and picks names and operands by type, so most of
  its programs pass the checker and reach the compiler, the runtime, the explanation and the JSON
  output, where a crash hides behind a program that parses. A third of them is mutated.
- *derivations* (`derived_policy`): random derivations of grammar/beleid.lark itself, read when
  first used, so a construct added to the grammar is fuzzed without a change here. Their names
  and types are random, so nearly all stop at the parser or the checker: they test those.
- *mutations* (`mutated_policy`): a slice of a shipped policy (policies/*.beleid: the header, a
  few rules with the rules they use, the gegevens they read, sometimes voorbeelden), or now and
  then a whole one, with one to three edits: a token deleted, duplicated or swapped, random
  characters (control characters, a non-breaking space, other scripts) inserted, a number, amount,
  date or unit swapped for an extreme or foreign one, or an operand nested a hundred levels deep.
Cases (`make_case`) mix values from the policy's voorbeelden and the shipped cases
(policies/casussen/*) with boundary and extreme values: the thresholds of the policy and their
neighbours, amounts of 10^26, a percentage written 0.41, dates in the year 9999 or 2150, working
days, negative and huge durations, wrong types, nested lists, NaN.

Modules: `records` (FuzzInput, Finding, Tally, ENGLISH), `inputs` (generate, make_input),
`statements`, `derivations`, `mutations`, `cases` (make_case), `running` (run, reproducer).
"""

from dsl.testing.fuzzing.inputs import generate, make_input
from dsl.testing.fuzzing.records import ENGLISH, Finding, FuzzInput, Tally
from dsl.testing.fuzzing.running import reproducer, run

__all__ = ["ENGLISH", "Finding", "FuzzInput", "Tally", "generate", "make_input", "reproducer", "run"]
