"""Parse only the statements that can matter.

LibCST's parser is the dominant cost of a cold run, and a module that passes the
prefilter usually holds one ``connect()`` or ``@receiver`` among hundreds of statements
(a test module with one signal test, a model module that sends one signal). Python's own
parser is an order of magnitude faster and knows where every statement starts and ends,
so such a module is cut down before LibCST sees it: the top-level statements, and the
statements of top-level class bodies, that hold nothing the collector records are
left out. Kept lines are kept whole, so a position in the cut text needs only its line
number translated back. A statement is kept when

- its text shows something the collector looks at: an import statement, ``connect`` or
  ``disconnect``, ``receiver``, ``.send``, ``Signal``, ``ManyToManyField``, a class with
  a ``...Config`` base, an assignment to ``INSTALLED_APPS`` or ``default_app_config``, a
  dynamic import, an attribute of a module whose name the catalogue knows (``signals.``,
  ``dispatch.``...), or the alias an import gives to ``receiver`` or to such a module; or
- it binds a name that a kept statement mentions, so that name resolution sees every
  binding it would have seen in the whole module: the ``def`` that is connected, the
  class used as a sender, the assignment that shadows an import.

``apps`` modules (every class there may be an AppConfig) are parsed whole, as is anything
Python's parser rejects. Tests compare the facts of the cut and of the whole module for
every file of the fixtures and of Django's own source.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from signallint import catalogue

_MODULE_SUFFIXES = sorted({name.rsplit(".", 1)[-1] for name in catalogue.MODULE_NAMES})
_SEED = re.compile(
    # An import statement (not the word in a docstring), or a dynamic import.
    r"(?:^|[;:])[ \t]*(?:import|from[\s\\]+[.\w]+[\s\\]+import)\b"
    r"|import_module|__import__|import_string"
    r"|receiver|Signal\b|ManyToManyField"
    r"|autodiscover|run_module|run_path|spec_from_file_location|SourceFileLoader"
    r"|load_source|walk_packages"
    r"|(?<!\w)(?:dis)?connect\b"
    r"|\.[\s\\]*a?send(?:_robust)?\b"
    r"|\b(?:" + "|".join(_MODULE_SUFFIXES) + r")[\s\\]*\."
    # A class that may be an AppConfig, and what settings and app modules assign (not
    # ``settings.INSTALLED_APPS`` read in a function, nor ``AppConfig.create()``).
    r"|\bclass[\s\\]+\w+[\s\\]*\([^)]*Config\b"
    r"|^[ \t]*(?:INSTALLED_APPS|default_app_config)[ \t]*(?:\+=|=|:|\.)",
    re.MULTILINE,
)
# Every match of ``_SEED`` contains one of these: most statements hold none, and
# substring tests rule them out many times faster than the pattern.
_SEED_LITERALS = (
    "import", "receiver", "Signal", "ManyToManyField", "Config", "INSTALLED_APPS",
    "default_app_config", "autodiscover", "run_module", "run_path", "spec_from_file_location",
    "SourceFileLoader", "load_source", "walk_packages", "connect", "send", *_MODULE_SUFFIXES,
)  # fmt: skip
# ``import a.b as c``, ``from m import (x as y, ...)``: what is imported, and its alias.
_ALIAS = re.compile(r"(?:\bimport|[(,])[\s\\]*([\w.]+)[\s\\]+as[\s\\]+(\w+)")
# Imported under an alias, these are spelled nowhere else: the receiver decorator and
# the modules whose attributes the collector checks.
_ALIASED_WATCHED = frozenset({"receiver", *_MODULE_SUFFIXES})
_WORD = re.compile(r"\w+")
# Names a statement may look up: words not after a dot (``self.x`` looks up ``self``).
_FREE_WORD = re.compile(r"(?<![\w.])\w+")
_CONNECT = re.compile(r"(?<!\w)(?:dis)?connect\b")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# Cutting a module that keeps most of its lines saves less than the cut costs.
_WORTH_IT = 0.7


@dataclass(eq=False)
class _Unit:
    """Statements that share lines, kept or left out together (lines are 1-based)."""

    first: int
    last: int
    nodes: list[ast.stmt]
    # The last line of the whole statement (past ``last`` for a class header).
    end: int = 0
    # For the header of a class whose body is cut: the units of its body.
    body: list[_Unit] = field(default_factory=list)
    kept: bool = False

    def text(self, lines: list[str]) -> str:
        return "".join(lines[self.first - 1 : self.last])


@dataclass(frozen=True)
class Cut:
    """What to parse, the lines each of its top-level statements may stand on (from the
    line after the previous statement to the line before the next one), and for each of
    its lines the line of the source it is (None: the same)."""

    text: str
    statement_lines: tuple[tuple[int, int], ...] | None = None
    line_map: tuple[int, ...] | None = None


def cut(text: str, path: str = "", module_name: str | None = None) -> Cut:
    """``text`` without the statements no rule can look at, unless the module is best
    parsed whole."""
    try:
        tree = ast.parse(text)
    except Exception:  # a syntax error, too deep, null bytes: LibCST will say what
        return Cut(text)
    lines = _LINE.findall(text)
    stem = path.replace("\\", "/").rsplit("/", 1)[-1]
    if stem == "apps.py" or (module_name or "").endswith(".apps"):
        units = _units(tree.body)
        return Cut(text, _statement_lines(units, len(lines)))
    units = [_split_class(unit, lines) for unit in _units(tree.body)]
    every = list(_flatten(units))
    alias = _words_pattern(_aliases(unit.text(lines) for unit in every if not unit.body))
    words: set[str] = set()
    for unit in every:
        unit_text = unit.text(lines)
        if _seeded(unit_text) or (alias is not None and alias.search(unit_text)):
            _keep(unit, unit_text, words)
    _keep_bound(every, words, lines)
    kept_lines = sum(unit.last - unit.first + 1 for unit in every if unit.kept)
    if kept_lines > _WORTH_IT * len(lines):
        return Cut(text, _statement_lines(_units(tree.body), len(lines)))
    kept = [unit for unit in units if unit.kept]
    out, line_map = _render(units, lines)
    # For each source line, how many lines of ``out`` stand at or above it.
    kept_upto = [0] * (len(lines) + 1)
    for original in line_map:
        kept_upto[original] = 1
    for number in range(1, len(lines) + 1):
        kept_upto[number] += kept_upto[number - 1]
    compact = [
        _Unit(kept_upto[unit.first], kept_upto[unit.end], unit.nodes, end=kept_upto[unit.end])
        for unit in kept
    ]
    return Cut("".join(out), _statement_lines(compact, len(out)), tuple(line_map))


def _seeded(text: str) -> bool:
    return any(literal in text for literal in _SEED_LITERALS) and _SEED.search(text) is not None


def _statement_lines(units: list[_Unit], line_count: int) -> tuple[tuple[int, int], ...]:
    starts = [unit.first for unit in units[1:]] + [line_count + 1]
    ends = [0] + [unit.end for unit in units[:-1]]
    return tuple((end + 1, start - 1) for end, start in zip(ends, starts, strict=True))


def _words_pattern(words: set[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b")


def _units(body: list[ast.stmt]) -> list[_Unit]:
    units: list[_Unit] = []
    for node in body:
        decorators = getattr(node, "decorator_list", ())
        first = min([node.lineno, *(d.lineno for d in decorators)])
        last = node.end_lineno or node.lineno
        if units and first <= units[-1].last:
            units[-1].last = units[-1].end = max(units[-1].last, last)
            units[-1].nodes.append(node)
        else:
            units.append(_Unit(first, last, [node], end=last))
    return units


def _split_class(unit: _Unit, lines: list[str]) -> _Unit:
    """A lone class whose body starts on a line of its own becomes a header unit with
    the units of its body; a class that may be an AppConfig stays whole."""
    if len(unit.nodes) != 1 or not isinstance(unit.nodes[0], ast.ClassDef):
        return unit
    node = unit.nodes[0]
    body_start = min(
        [node.body[0].lineno, *(d.lineno for d in getattr(node.body[0], "decorator_list", ()))]
    )
    header = _Unit(unit.first, body_start - 1, unit.nodes, end=unit.end)
    if header.last < header.first or "Config" in header.text(lines):
        return unit
    header.body = _units(node.body)
    if header.body[0].first <= header.last:
        return unit
    return header


def _flatten(units: list[_Unit]) -> Iterator[_Unit]:
    for unit in units:
        yield unit
        yield from unit.body


def _aliases(texts: Iterable[str]) -> set[str]:
    """Aliases imports give to ``receiver`` and to the modules the catalogue knows."""
    found: set[str] = set()
    for text in texts:
        if "import" in text and " as" in text:
            for imported, alias in _ALIAS.findall(text):
                if imported.rsplit(".", 1)[-1] in _ALIASED_WATCHED:
                    found.add(alias)
    return found


def _keep(unit: _Unit, text: str, words: set[str]) -> None:
    """Keep ``unit`` and remember the names it may look up. Where a receiver is
    connected, ``self.on_save`` needs the method ``on_save``: every word counts there."""
    unit.kept = True
    words.update((_WORD if _CONNECT.search(text) else _FREE_WORD).findall(text))


def _keep_bound(units: list[_Unit], words: set[str], lines: list[str]) -> None:
    """Keep every unit that binds a name a kept unit mentions, until nothing changes;
    a class header is kept with any statement of its body."""
    bound = {id(unit): _bound_names(unit, lines) for unit in units if not unit.kept}
    changed = True
    while changed:
        changed = False
        for unit in units:
            if unit.kept:
                continue
            if bound[id(unit)] & words or (unit.body and any(u.kept for u in unit.body)):
                _keep(unit, unit.text(lines), words)
                changed = True


def _bound_names(unit: _Unit, lines: list[str]) -> set[str]:
    """Names a unit binds in the scope it runs in (a superset is fine: it only keeps
    more). A class header binds its class's name; its body is looked at unit by unit."""
    names: set[str] = set()
    stack: list[ast.AST] = list(unit.nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
            # What the body binds is local to it (``global`` aside, below); what the
            # header evaluates runs here (a ``:=`` in a default binds here).
            stack.extend([*node.decorator_list, *node.args.defaults])
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
            stack.extend([*node.decorator_list, *node.bases, *node.keywords])
            continue  # its body binds in the class (a cut class: unit by unit)
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".", 1)[0] for a in node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            if node.name:
                names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        stack.extend(ast.iter_child_nodes(node))
    if "global" in unit.text(lines):
        for nodes in unit.nodes:
            for inner in ast.walk(nodes):
                if isinstance(inner, ast.Global):
                    names.update(inner.names)
    return names


def _render(units: list[_Unit], lines: list[str]) -> tuple[list[str], list[int]]:
    """The kept lines, and the source line each one is. Lines of statements that are
    left out are dropped, not blanked: LibCST would make a node of every blank line."""
    out = list(lines)
    dropped = [False] * len(lines)
    for unit in units:
        if not unit.kept:
            _drop(dropped, unit.first, unit.end)
        elif unit.body:
            for inner in unit.body:
                if not inner.kept:
                    _drop(dropped, inner.first, inner.last)
            if not any(inner.kept for inner in unit.body):
                # A class body cannot be empty: a ``pass`` where it began.
                start = lines[unit.body[0].first - 1]
                indent = start[: len(start) - len(start.lstrip(" \t\f"))]
                out[unit.body[0].first - 1] = indent + "pass" + _ending(start)
                dropped[unit.body[0].first - 1] = False
    kept = [index for index in range(len(lines)) if not dropped[index]]
    return [out[index] for index in kept], [index + 1 for index in kept]


def _drop(dropped: list[bool], first: int, last: int) -> None:
    for index in range(first - 1, last):
        dropped[index] = True


def _ending(line: str) -> str:
    stripped = line.rstrip("\r\n")
    return line[len(stripped) :]
