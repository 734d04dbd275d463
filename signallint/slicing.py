"""Parse only the statements that can matter.

LibCST's parser is the dominant cost of a cold run, and a module that passes the
prefilter usually holds one ``connect()`` or ``@receiver`` among hundreds of statements
(a test module with one signal test, a model module that sends one signal). Python's own
parser is an order of magnitude faster and knows where every statement starts and ends,
so such a module is cut down before LibCST sees it: the statements that hold nothing the
collector records are left out, at the top level, in the bodies of top-level classes (and
of classes in them) and in the bodies of defs there. Kept lines are kept whole, so a
position in the cut text needs only its line number translated back. A statement is
kept when

- its text shows something the collector looks at: an import statement, ``connect`` or
  ``disconnect``, ``receiver``, ``.send``, ``Signal``, ``ManyToManyField``, a class with
  a ``...Config`` base, an assignment to ``INSTALLED_APPS`` or ``default_app_config``, a
  dynamic import, an attribute of a module whose name the catalogue knows (``signals.``,
  ``dispatch.``...), or the alias an import gives to ``receiver`` or to such a module; or
- it binds a name that a kept statement of its scope mentions, so that name resolution
  sees every binding it would have seen in the whole module: the ``def`` that is
  connected, the class used as a sender, the assignment that shadows an import, the
  local a ``send()`` passes. A def's body binds locals, which only its own kept
  statements can mention (unless it declares them ``global``); a class body binds what
  its own statements look up and the methods a ``connect()`` names as attributes; or
- it mentions a def of its function's body that is connected there (whether the closure
  escapes depends on every mention of its name).

A def kept for its name, or with a seed in its header, is kept whole: it may be a
receiver, whose parameters and body the rules read. So is a def a kept statement of
which passes one of the def's locals to ``connect()``: whether that value dies with
the call depends on every statement of the body. A def kept for statements of its
body keeps those and its header. In such a body, a compound statement (``try``,
``with``, ``for``, ``while``, ``if`` without ``elif``) whose blocks each start on a line
of their own is cut the same way: kept with its header and clauses when a statement of
one of its blocks is, a block left empty becoming ``pass``; its statements are in the
def's scope.

A class that may be an AppConfig (one with a ``...Config`` base, and in an ``apps``
module every class) keeps every statement of its body, but only the headers of its defs,
whose bodies are cut like any def's (an empty one becomes ``pass``); an ``apps`` module
also keeps every top-level statement that is not a def. Anything Python's parser rejects
is parsed whole. Tests compare the facts of the cut and of the whole module for
every file of the fixtures and of Django's own source.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import keyword
import re
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, field
from typing import TypeVar

from signallint import vocabulary


def _either(alternatives: Iterable[str]) -> str:
    return "|".join(map(re.escape, alternatives))


# ``connect`` or ``disconnect``, as a word.
_CONNECT_WORD = rf"(?<!\w)(?:{vocabulary.DISCONNECT_PREFIX})?{vocabulary.CONNECT}\b"
_SEED = re.compile(
    # An import statement (not the word in a docstring), or a dynamic import.
    r"(?:^|[;:])[ \t]*(?:import|from[\s\\]+[.\w]+[\s\\]+import)\b"
    rf"|{_either(vocabulary.DYNAMIC_IMPORT_SPELLINGS)}"
    # ``Signal\b`` also finds ``ModelSignal`` and the project's subclasses.
    rf"|{vocabulary.RECEIVER}|{vocabulary.SIGNAL_CLASS}\b|{vocabulary.M2M_FIELD}"
    rf"|{_CONNECT_WORD}"
    rf"|\.[\s\\]*(?:{_either(vocabulary.SEND_METHODS)})\b"
    rf"|\b(?:{_either(vocabulary.WATCHED_MODULE_SUFFIXES)})[\s\\]*\."
    # A class that may be an AppConfig, and what settings and app modules assign (not
    # ``settings.INSTALLED_APPS`` read in a function, nor ``AppConfig.create()``).
    rf"|\bclass[\s\\]+\w+[\s\\]*\([^)]*{vocabulary.APP_CONFIG_SUFFIX}\b"
    # A class with bases may be a model (facts.ModelClass): its header, what names an
    # intermediate model, and its ``Meta``'s ``abstract``.
    rf"|\b{vocabulary.CLASS_KEYWORD}[\s\\]+\w+[\s\\]*\("
    rf"|\b(?:{vocabulary.THROUGH}|{vocabulary.ABSTRACT})[ \t]*="
    rf"|^[ \t]*(?:{vocabulary.INSTALLED_APPS}|{vocabulary.DEFAULT_APP_CONFIG})[ \t]*(?:\+=|=|:|\.)",
    re.MULTILINE,
)
# Every match of ``_SEED`` contains one of these: most statements hold none, and
# substring tests rule them out many times faster than the pattern.
_SEED_LITERALS = vocabulary.covering(
    (
        "import",
        *vocabulary.DYNAMIC_IMPORT_SPELLINGS,
        vocabulary.RECEIVER,
        vocabulary.SIGNAL_CLASS,
        vocabulary.M2M_FIELD,
        *vocabulary.CONNECT_METHODS,
        *vocabulary.SEND_METHODS,
        *vocabulary.WATCHED_MODULE_SUFFIXES,
        vocabulary.APP_CONFIG_SUFFIX,
        vocabulary.CLASS_KEYWORD,
        vocabulary.THROUGH,
        vocabulary.ABSTRACT,
        vocabulary.INSTALLED_APPS,
        vocabulary.DEFAULT_APP_CONFIG,
    )
)
# ``import a.b as c``, ``from m import (x as y, ...)``: what is imported, and its alias.
_ALIAS = re.compile(r"(?:\bimport|[(,])[\s\\]*([\w.]+)[\s\\]+as[\s\\]+(\w+)")
# Imported under an alias, these are spelled nowhere else: the receiver decorator and
# the modules whose attributes the collector checks.
_ALIASED_WATCHED = frozenset({vocabulary.RECEIVER, *vocabulary.WATCHED_MODULE_SUFFIXES})
_WORD = re.compile(r"\w+")
# Names a statement may look up: words not after a dot (``self.x`` looks up ``self``).
_FREE_WORD = re.compile(r"(?<![\w.])\w+")
# Words that are never a name a statement binds.
_KEYWORDS = frozenset(keyword.kwlist)
_DEF_NAME = re.compile(r"\bdef[\s\\]+(\w+)")
# ``name =`` starting a line: a local a def's body may hold a connected value in.
_ASSIGNED_NAME = re.compile(r"^[ \t]*(\w+)[ \t]*=(?!=)", re.MULTILINE)
# ``connect`` and its arguments, with parentheses nested up to twice (deeper: no group).
_CONNECT_CALL = re.compile(
    _CONNECT_WORD + r"[\s\\]*\((?:((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\))?"
)
_COMMENT = re.compile(r"^([^'\"#\r\n]*)#[^\r\n]*", re.MULTILINE)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# Cutting a module that keeps most of its lines saves less than the cut costs.
_WORTH_IT = 0.7


@dataclass(eq=False)
class _Unit:
    """Statements that share lines, kept or left out together (lines are 1-based)."""

    first: int
    last: int
    nodes: list[ast.stmt]
    # The last line of the whole statement (past ``last`` for a header).
    end: int = 0
    # For the header of a class or def whose body is cut: the units of its body.
    body: list[_Unit] = field(default_factory=list)
    kept: bool = False
    # For the header of a def: its name, whether its body is kept whole, and the names
    # of the defs inside it.
    function: str | None = None
    whole: bool = False
    inner_defs: frozenset[str] = frozenset()
    # For the header of a def: the names its body assigns (``name = ...``).
    inner_locals: frozenset[str] = frozenset()
    # For the header of a class or def whose body is cut: the names its kept statements
    # mention, and whether its body declares ``global`` names (which its statements then
    # bind at module level).
    local_words: set[str] = field(default_factory=set)
    declares_global: bool = False
    # For the header of a class that may be an AppConfig: every statement of its body is
    # kept, but only the headers of its defs (their bodies are cut like any def's).
    config: bool = False
    # For a statement of a cut class or def body: that class's or def's header.
    owner: _Unit | None = None
    # For the header of a compound statement (``try``, ``with``, ``for``...) of a cut def
    # body: the units of each of its blocks (``body`` holds them all), and the lines of
    # its clauses between blocks (``except E as e:``, ``else:``, ``finally:``).
    blocks: list[list[_Unit]] = field(default_factory=list)
    clauses: tuple[int, ...] = ()

    def text(self, lines: list[str]) -> str:
        text = "".join(lines[self.first - 1 : self.last])
        if self.clauses:
            text += "".join(lines[number - 1] for number in self.clauses)
        return text

    def settled(self) -> bool:
        return self.kept and (self.function is None or self.whole)


@dataclass(frozen=True)
class Cut:
    """What to parse, the lines each of its top-level statements may stand on (from the
    line after the previous statement to the line before the next one), and for each of
    its lines the line of the source it is (None: the same)."""

    text: str
    statement_lines: tuple[tuple[int, int], ...] | None = None
    line_map: tuple[int, ...] | None = None
    # Python's own parser accepted the source.
    checked: bool = False


def cut(text: str, path: str = "", module_name: str | None = None) -> Cut:
    """``text`` without the statements no rule can look at, unless the module is best
    parsed whole."""
    try:
        tree = ast.parse(text)
    except Exception:  # a syntax error, too deep, null bytes: LibCST will say what
        return Cut(text)
    lines = _LINE.findall(text)
    stem = path.replace("\\", "/").rsplit("/", 1)[-1]
    apps_module = vocabulary.is_apps_module(stem, module_name)
    literals = _Literals(text, lines)
    units = [_split(unit, lines, literals, apps_module=apps_module) for unit in _units(tree.body)]
    every = list(_flatten(units))
    alias = _words_pattern(_aliases(unit.text(lines) for unit in every if not unit.body))
    mentions = _Mentions()
    _keep_seeded(units, lines, literals, alias, mentions)
    if apps_module:
        _keep_apps_module(units, lines, mentions)
    _keep_configs(every, lines, mentions)
    _keep_bound(every, mentions, lines)
    kept_lines = sum(unit.last - unit.first + 1 for unit in every if unit.kept)
    if kept_lines > _WORTH_IT * len(lines):
        return Cut(text, _statement_lines(_units(tree.body), len(lines)), checked=True)
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
    return Cut("".join(out), _statement_lines(compact, len(out)), tuple(line_map), checked=True)


def _keep_seeded(
    units: list[_Unit],
    lines: list[str],
    literals: _Literals,
    alias: re.Pattern[str] | None,
    mentions: _Mentions,
) -> None:
    """Keep the units whose text holds a seed, looking inside a header's body only when
    the whole statement holds one."""

    def seeded(unit: _Unit) -> bool:
        if literals.in_text_of(unit) and _SEED.search(unit.text(lines)) is not None:
            return True
        return alias is not None and alias.search(unit.text(lines)) is not None

    for unit in units:
        if unit.kept:
            continue
        if not unit.body:
            if seeded(unit):
                _keep(unit, lines, mentions, whole=True)
            continue
        if not literals.within(unit.first, unit.end) and (
            alias is None or not alias.search("".join(lines[unit.first - 1 : unit.end]))
        ):
            continue
        if seeded(unit):
            # A compound statement's blocks are looked at one by one, below.
            _keep(unit, lines, mentions, whole=not unit.blocks)
        _keep_seeded(unit.body, lines, literals, alias, mentions)


class _Literals:
    """The lines that hold one of the seed literals (every seed holds one), found once:
    most statements hold none, and looking up their lines costs less than reading them."""

    def __init__(self, text: str, lines: list[str]):
        starts = list(itertools.accumulate(map(len, lines), initial=0))
        found: set[int] = set()
        for literal in _SEED_LITERALS:
            at = text.find(literal)
            while at >= 0:
                found.add(bisect.bisect_right(starts, at))  # the 1-based line number
                at = text.find(literal, at + 1)
        self._lines = sorted(found)

    def within(self, first: int, last: int) -> bool:
        """Whether a line from ``first`` to ``last`` holds one."""
        index = bisect.bisect_left(self._lines, first)
        return index < len(self._lines) and self._lines[index] <= last

    def in_text_of(self, unit: _Unit) -> bool:
        """Whether the lines of ``unit.text()`` (a header's, a compound's clauses) do."""
        return self.within(unit.first, unit.last) or any(
            self.within(number, number) for number in unit.clauses
        )


def _statement_lines(units: list[_Unit], line_count: int) -> tuple[tuple[int, int], ...]:
    starts = [unit.first for unit in units[1:]] + [line_count + 1]
    ends = [0] + [unit.end for unit in units[:-1]]
    return tuple((end + 1, start - 1) for end, start in zip(ends, starts, strict=True))


def _words_pattern(words: Set[str]) -> re.Pattern[str] | None:
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


def _split(
    unit: _Unit,
    lines: list[str],
    literals: _Literals,
    *,
    apps_module: bool = False,
    always: bool = False,
) -> _Unit:
    """A lone class or def whose body starts on a line of its own becomes a header unit
    with the units of its body (the defs and classes of a class body are split in turn);
    a def whose body holds no seed stays whole, unless ``always``. A class that may be an
    AppConfig (any class of an apps module, or one with a ``...Config`` base) has every
    def of its body split, and the rest of its body whole."""
    node = _lone(unit, _DEFS_AND_CLASSES)
    if node is None:
        return unit
    body_start = min(
        [node.body[0].lineno, *(d.lineno for d in getattr(node.body[0], "decorator_list", ()))]
    )
    header = _Unit(unit.first, body_start - 1, unit.nodes, end=unit.end)
    if header.last < header.first:
        return unit
    if isinstance(node, ast.ClassDef):
        header.config = apps_module or vocabulary.APP_CONFIG_SUFFIX in header.text(lines)
        if header.config:
            header.body = [
                _split(inner, lines, literals, always=True) if _lone(inner, _DEFS) else inner
                for inner in _units(node.body)
            ]
        else:
            header.body = [_split(inner, lines, literals) for inner in _units(node.body)]
        for inner in header.body:
            inner.owner = header
        header.declares_global = "global" in "".join(lines[header.last : header.end])
    else:
        body_text = "".join(lines[header.last : header.end])
        if not always and not literals.within(header.last + 1, header.end):
            # No statement of its body can be kept on its own: its names are local
            # (``global`` aside), mentioned by nothing kept there.
            return unit
        header.function = node.name
        header.body = [_split_compound(inner, lines) for inner in _units(node.body)]
        for inner in _flatten(header.body):
            inner.owner = header  # its scope: a compound statement opens none
        header.inner_defs = frozenset(_DEF_NAME.findall(body_text))
        header.inner_locals = frozenset(_ASSIGNED_NAME.findall(body_text))
        header.declares_global = "global" in body_text
    if header.body[0].first <= header.last:
        return unit
    return header


_COMPOUND = tuple(
    getattr(ast, name)
    for name in ("If", "For", "AsyncFor", "While", "With", "AsyncWith", "Try", "TryStar")
    if hasattr(ast, name)
)


def _split_compound(unit: _Unit, lines: list[str]) -> _Unit:
    """A lone compound statement of a def body (``try``, ``with``, ``for``, ``while``,
    ``if`` without ``elif``) becomes a header unit with the units of its blocks, split in
    turn, when every block starts on a line of its own; otherwise it stays whole."""
    node = _lone(unit, _COMPOUND)
    if node is None:
        return unit
    if isinstance(node, ast.If) and len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
        return unit  # ``elif`` (or ``else: if``): its line is the nested statement's own
    blocks: list[list[ast.stmt]] = [node.body]
    if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        blocks.append(node.orelse)
    elif not isinstance(node, (ast.With, ast.AsyncWith)):  # try
        blocks += [handler.body for handler in node.handlers]
        blocks += [node.orelse, node.finalbody]
    blocks = [block for block in blocks if block]
    if not all(_starts_its_line(block[0], lines) for block in blocks):
        return unit
    unit_blocks = [[_split_compound(inner, lines) for inner in _units(block)] for block in blocks]
    header = _Unit(unit.first, unit_blocks[0][0].first - 1, unit.nodes, end=unit.end)
    if header.last < header.first:
        return unit
    header.blocks = unit_blocks
    header.body = [inner for block in unit_blocks for inner in block]
    header.clauses = tuple(
        number
        for before, after in itertools.pairwise(unit_blocks)
        for number in range(before[-1].end + 1, after[0].first)
    )
    return header


def _starts_its_line(node: ast.stmt, lines: list[str]) -> bool:
    """Whether nothing but indentation stands before ``node`` (or its first decorator)
    on its line: then dropping that line drops nothing else."""
    decorators = getattr(node, "decorator_list", ())
    first = decorators[0] if decorators else node
    line, column = first.lineno, first.col_offset - (1 if decorators else 0)
    return not lines[line - 1][:column].strip(" \t\f")


_Statement = TypeVar("_Statement", bound=ast.stmt)
_Def = ast.FunctionDef | ast.AsyncFunctionDef
_DEFS: tuple[type[_Def], ...] = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFS_AND_CLASSES: tuple[type[_Def | ast.ClassDef], ...] = (*_DEFS, ast.ClassDef)


def _lone(unit: _Unit, kinds: tuple[type[_Statement], ...]) -> _Statement | None:
    """``unit``'s statement when it is a single one of ``kinds``, else None."""
    node = unit.nodes[0] if len(unit.nodes) == 1 else None
    return node if isinstance(node, kinds) else None


def _keep_apps_module(units: list[_Unit], lines: list[str], mentions: _Mentions) -> None:
    """In an apps module every class may be an AppConfig, and the module is small: every
    top-level statement but a def is kept (a class that is split, as ``_keep_configs``
    says)."""
    for unit in units:
        if not unit.kept and not unit.config and _lone(unit, _DEFS) is None:
            _keep(unit, lines, mentions, whole=True)


def _keep_configs(units: Iterable[_Unit], lines: list[str], mentions: _Mentions) -> None:
    """Keep every class that may be an AppConfig with every statement of its body, but
    only the headers of its defs: the collector reads a class's bases, its ``name``,
    ``label`` and ``default``, and the names of its methods; their bodies are cut like
    any def's (``ready()`` keeps its imports and connections, which are seeds)."""
    for unit in units:
        if unit.config:
            for kept in (unit, *unit.body):
                if not kept.kept:
                    _keep(kept, lines, mentions, whole=kept.function is None)


def _flatten(units: list[_Unit]) -> Iterator[_Unit]:
    for unit in units:
        yield unit
        yield from _flatten(unit.body)


def _aliases(texts: Iterable[str]) -> set[str]:
    """Aliases imports give to ``receiver`` and to the modules the catalogue knows."""
    found: set[str] = set()
    for text in texts:
        if "import" in text and " as" in text:
            for imported, alias in _ALIAS.findall(text):
                if imported.rsplit(".", 1)[-1] in _ALIASED_WATCHED:
                    found.add(alias)
    return found


@dataclass
class _Mentions:
    """What the kept statements mention: names they may look up (words not after a
    dot), and every word of the arguments of a ``connect()`` (``self.on_save`` needs
    the method ``on_save`` of a class body)."""

    names: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)


def _keep(unit: _Unit, lines: list[str], mentions: _Mentions, *, whole: bool) -> None:
    """Keep ``unit`` and remember what it mentions.

    A def is kept ``whole`` when it holds a seed in its header or something mentions its
    name (it may be a receiver: its parameters and body matter); a def kept only for
    statements of its body keeps those, and its header, which does not mention itself.
    """
    unit.kept = True
    if whole and (unit.function is not None or unit.blocks):
        unit.whole = True
        for inner in unit.body:
            if not inner.kept:
                _keep(inner, lines, mentions, whole=True)
    text = unit.text(lines)
    if unit.function is not None and not whole:
        text = re.sub(rf"\bdef[\s\\]+{unit.function}\b", "def", text, count=1)
    if "#" in text:
        # Comments mention nothing (not after a quote: the ``#`` may be in a string).
        text = _COMMENT.sub(r"\1", text)
    names = _FREE_WORD.findall(text)
    if vocabulary.CONNECT in text:
        for match in _CONNECT_CALL.finditer(text):
            arguments = match.group(1)
            # Nested too deeply to tell where the arguments end: every word.
            attributes = _WORD.findall(text if arguments is None else arguments)
            names.extend(attributes)
            mentions.attributes.update(attributes)
    mentions.names.update(names)
    if unit.owner is not None:
        unit.owner.local_words.update(names)


def _keep_bound(units: list[_Unit], mentions: _Mentions, lines: list[str]) -> None:
    """Keep every unit that binds a name a kept unit of its scope mentions, until nothing
    changes; a header is kept with any statement of its body."""
    # What a statement binds, computed once some name it spells is mentioned: walking
    # its syntax tree is the costly part of the cut. A def or class binds its name (and
    # what its header binds), which takes no walk of its body: no need to read its words.
    spelled: dict[int, set[str]] = {}
    bound: dict[int, set[str]] = {}

    def binds_mentioned(unit: _Unit) -> bool:
        visible = [words for words in _visible_words(unit, mentions) if words]
        if not visible:
            return False
        key = id(unit)
        if key not in bound:
            if _lone(unit, _DEFS_AND_CLASSES) is None:
                if key not in spelled:
                    spelled[key] = set(_WORD.findall(unit.text(lines))) - _KEYWORDS
                if all(spelled[key].isdisjoint(words) for words in visible):
                    return False
            bound[key] = _bound_names(unit, lines)
        return not all(bound[key].isdisjoint(words) for words in visible)

    changed = True
    while changed:
        changed = False
        for unit in units:
            if unit.settled():
                continue
            if binds_mentioned(unit):
                # A compound statement's own bindings are in its header and clauses.
                _keep(unit, lines, mentions, whole=not unit.blocks)
                changed = True
            elif not unit.kept and unit.body and any(u.kept for u in unit.body):
                _keep(unit, lines, mentions, whole=False)
                changed = True
            if (
                unit.kept
                and not unit.whole
                and unit.inner_locals & mentions.attributes & unit.local_words
            ):
                # A local a connect() passes: whether its value outlives the call, or is
                # reached before the def returns, depends on the whole body.
                _keep(unit, lines, mentions, whole=True)
                changed = True
            elif (
                unit.kept
                and not unit.whole
                and unit.function is not None
                and any(
                    inner.kept
                    and isinstance(inner.nodes[0], ast.FunctionDef | ast.AsyncFunctionDef)
                    for inner in _flatten(unit.body)
                )
            ):
                # A def of its body that is kept (connected, or a ``@receiver``) lives
                # while the def runs: whether a signal reaches it before the def
                # returns depends on the whole body.
                _keep(unit, lines, mentions, whole=True)
                changed = True


def _visible_words(unit: _Unit, mentions: _Mentions) -> tuple[set[str], ...]:
    """The mentions a binding by ``unit`` may matter to. A statement of a cut def's body
    binds locals, which only the kept statements of that def can mention; one of a class
    body binds what the class body's kept statements look up, and attributes of the
    class (its methods, connected as ``self.on_save``)."""
    owner = unit.owner
    if owner is None:
        return (mentions.names,)
    scope: tuple[set[str], ...]
    if owner.function is not None:
        scope = (owner.local_words,)
    else:
        scope = (owner.local_words, mentions.attributes)
    return (*scope, mentions.names) if owner.declares_global else scope


def _keep_mentions(unit: _Unit, names: Set[str], lines: list[str], mentions: _Mentions) -> bool:
    """Keep the statements of a def's body that mention a def of its own that a kept
    statement names: whether a connected closure escapes its function (is returned or
    stored, and so outlives the call) depends on every mention of its name."""
    pattern = _words_pattern(names)
    assert pattern is not None
    changed = False
    for inner in _flatten(unit.body):
        if not inner.kept and pattern.search(inner.text(lines)):
            _keep(inner, lines, mentions, whole=not inner.blocks)
            changed = True
    return changed


def _bound_names(unit: _Unit, lines: list[str]) -> set[str]:
    """Names a unit binds in the scope it runs in (a superset is fine: it only keeps
    more). A class header binds its class's name; its body is looked at unit by unit."""
    names: set[str] = set()
    stack: list[ast.AST] = list(unit.nodes)
    if unit.blocks:
        # A cut compound statement: its blocks are looked at unit by unit.
        stack = _header_parts(unit.nodes[0], names)
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


def _header_parts(node: ast.stmt, names: set[str]) -> list[ast.AST]:
    """What a compound statement evaluates outside its blocks (adding to ``names`` what
    its ``except`` clauses bind)."""
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.target, node.iter]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return list(node.items)
    if isinstance(node, (ast.If, ast.While)):
        return [node.test]
    handlers: list[ast.ExceptHandler] = getattr(node, "handlers", [])
    names.update(handler.name for handler in handlers if handler.name)
    return [handler.type for handler in handlers if handler.type is not None]


def _render(units: list[_Unit], lines: list[str]) -> tuple[list[str], list[int]]:
    """The kept lines, and the source line each one is. Lines of statements that are
    left out are dropped, not blanked: LibCST would make a node of every blank line."""
    out = list(lines)
    dropped = [False] * len(lines)
    for unit in units:
        _render_unit(unit, lines, out, dropped)
    kept = [index for index in range(len(lines)) if not dropped[index]]
    return [out[index] for index in kept], [index + 1 for index in kept]


def _render_unit(unit: _Unit, lines: list[str], out: list[str], dropped: list[bool]) -> None:
    if not unit.kept:
        _drop(dropped, unit.first, unit.end)
        return
    for inner in unit.body:
        _render_unit(inner, lines, out, dropped)
    for block in unit.blocks or [unit.body]:
        if block and not any(inner.kept for inner in block):
            # A block cannot be empty: a ``pass`` where it began.
            start = lines[block[0].first - 1]
            indent = start[: len(start) - len(start.lstrip(" \t\f"))]
            out[block[0].first - 1] = indent + "pass" + _ending(start)
            dropped[block[0].first - 1] = False


def _drop(dropped: list[bool], first: int, last: int) -> None:
    for index in range(first - 1, last):
        dropped[index] = True


def _ending(line: str) -> str:
    stripped = line.rstrip("\r\n")
    return line[len(stripped) :]
