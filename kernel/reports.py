"""What a cell shows besides the dashboard: a policy report, voorbeelden, policy text.

Contract: each class is a small immutable value with a Dutch `__repr__` (text/plain, also what
the console and the tests see) and `_repr_html_` for the notebook. They compute nothing
expensive and keep no widgets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from html import escape

import attrs

from dsl.core.model import RuleKind
from dsl.examples import ExampleResult
from dsl.policy import CompiledPolicy
from dsl.runtime.formatting import counted
from kernel.compose import SourceMap
from kernel.widgets.html import FONT, MONO, badge

# The order rule kinds are counted in; a group is shown as an "eisengroep".
_ORDER = (RuleKind.GROUP, RuleKind.REQUIREMENT, RuleKind.CALCULATION, RuleKind.DECISION, RuleKind.TIMELINE)
_NAMES = {RuleKind.GROUP: ("eisengroep", "eisengroepen")}


def _texts(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _results(items: Iterable[ExampleResult]) -> tuple[ExampleResult, ...]:
    return tuple(items)


@attrs.frozen
class PolicyReport:
    """After a policy cell, `laad` or `casus`: what the policy now holds and what changed."""

    policy: CompiledPolicy = attrs.field(repr=False)
    changes: tuple[str, ...] = attrs.field(converter=_texts)

    def counts(self) -> str:
        model = self.policy.model
        kinds = Counter(rule.kind for rule in model.rules.values())
        parts = [counted(len(model.fields), "gegeven", "gegevens")]
        parts += [counted(kinds[kind], *_NAMES.get(kind, (str(kind), kind.plural))) for kind in _ORDER if kinds[kind]]
        return ", ".join(parts)

    def __repr__(self) -> str:
        head = f"Beleid '{self.policy.title}': {self.counts()}."
        return head + "".join(f"\n  {c}" for c in self.changes)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{escape(c)}</li>" for c in self.changes)
        return (f'<div class="bt-report" style="{FONT}"><b>{escape(self.policy.title)}</b>: '
                f'{escape(self.counts())}.<ul style="margin:2px 0">{items}</ul></div>')


@attrs.frozen
class ExamplesReport:
    """The outcome of the policy's voorbeelden: passed or the expectations that failed."""

    results: tuple[ExampleResult, ...] = attrs.field(converter=_results)
    source: SourceMap | None = attrs.field(repr=False, default=None)

    def _where(self, span) -> str:
        where = self.source.locate(span) if self.source is not None else None
        return f"{where[0]}:{where[2].line}" if where else f"regel {span.line}"

    def lines(self) -> list[tuple[bool, str, list[str]]]:
        out = []
        for r in self.results:
            problems = [f"{m.name}: verwacht {m.expected}, uitkomst {m.actual} ({self._where(m.span)})"
                        for m in r.mismatches]
            out.append((r.passed, r.title, problems))
        return out

    def __repr__(self) -> str:
        passed = sum(1 for r in self.results if r.passed)
        text = [f"Voorbeelden: {passed} van {len(self.results)} geslaagd."]
        for ok, title, problems in self.lines():
            text.append(f"  {'✔' if ok else '✘'} {title}")
            text.extend(f"      {p}" for p in problems)
        return "\n".join(text)

    def _repr_html_(self) -> str:
        rows = []
        for ok, title, problems in self.lines():
            detail = "<br>".join(escape(p) for p in problems)
            rows.append(f"<tr><td>{badge('voldaan' if ok else 'niet voldaan')}</td><td>{escape(title)}"
                        f"{'<br><small>' + detail + '</small>' if detail else ''}</td></tr>")
        passed = sum(1 for r in self.results if r.passed)
        return (f'<div style="{FONT}"><b>Voorbeelden: {passed} van {len(self.results)} geslaagd</b>'
                f'<table>{"".join(rows)}</table></div>')


@attrs.frozen
class PolicyText:
    """Policy text to show, highlighted with the Beleidstaal lexer."""

    text: str
    what: str

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter

        from kernel.lexer import BeleidLexer

        body = highlight(self.text, BeleidLexer(), HtmlFormatter(noclasses=True, nowrap=True))
        return f'<pre class="bt-policy" style="{MONO}" title="{escape(self.what)}">{body}</pre>'
