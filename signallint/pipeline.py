"""One file's way to its facts: read, screened, and parsed only where needed.

Each file goes through the cheapest test that can rule it out first: its bytes must
contain a needle of the prefilter before it is decoded, parsed and walked. What goes
wrong on the way (bytes that cannot be read or decoded, bad syntax, a bug of ours)
becomes a fact too.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from signallint import sources
from signallint.cache import Entry
from signallint.facts import ModuleFacts, Problem
from signallint.prefilter import Prefilter
from signallint.settings import Settings


@dataclass(frozen=True)
class Analysis:
    """One file's facts, and its text when it was parsed (for ``# noqa``). A file
    without text was let go by the prefilter or could not be decoded: its facts hold
    nothing a module rule reads."""

    facts: ModuleFacts
    text: str | None


@functools.cache
def default_prefilter() -> Prefilter:
    """The prefilter for a file checked on its own: every catalogued signal name."""
    from signallint import thirdparty

    return Prefilter(s.name for s in thirdparty.THIRD_PARTY_SIGNALS)


def prefilter_for(settings: Settings) -> Prefilter:
    if not settings.declared_signals:
        return default_prefilter()
    from signallint import thirdparty

    names = [s.name for s in (*thirdparty.THIRD_PARTY_SIGNALS, *settings.declared_signals)]
    return Prefilter(names)


def analyse(
    path: str,
    data: bytes,
    package: str | None = None,
    module_name: str | None = None,
    prefilter: bool = True,
    *,
    project: bool = False,
    import_graph: bool = True,
    parse: bool | None = None,
) -> Analysis:
    """Facts for one file's bytes; problems (bad bytes, bad syntax) become facts too.

    ``project=True`` adds what the whole-project analysis needs (``ModuleFacts.wiring``):
    files that matter for it are parsed too, the others only have their imports scanned
    (unless ``import_graph`` is False: a run without a project root never asks for them).
    ``parse`` overrides the prefilter's decision (``check_paths`` decides in rounds).
    """

    def done(facts: ModuleFacts, text: str | None) -> Analysis:
        if project:
            from signallint.project import add_scan

            facts = add_scan(facts, data, package, import_graph=import_graph)
        return Analysis(facts, text)

    if parse is None:
        parse = (
            not prefilter
            or default_prefilter().first_pass(data)
            or (project and sources.matters_for_wiring(path, data))
        )
    if parse:
        with _cycles_collected_after():
            return _parsed(path, data, package, module_name, done)
    # Not worth parsing, but bytes that do not decode are still worth a line.
    problem = sources.undecodable(data)
    return done(ModuleFacts(path, module_name, problems=(problem,) if problem else ()), None)


@contextlib.contextmanager
def _cycles_collected_after() -> Iterator[None]:
    """A parse makes hundreds of thousands of objects and almost no reference cycles:
    the cycle collector, running over and over while it happens, costs a tenth of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parsed(
    path: str,
    data: bytes,
    package: str | None,
    module_name: str | None,
    done: Callable[[ModuleFacts, str | None], Analysis],
) -> Analysis:
    decoded = sources.decode(data)
    if isinstance(decoded, Problem):
        return done(ModuleFacts(path, module_name, problems=(decoded,)), None)
    from signallint.slicing import Cut, cut

    relevant = cut(decoded.text, path, module_name)
    module = sources.parse(relevant.text, checked=relevant.checked)
    if isinstance(module, Problem) and relevant.text is not decoded.text:
        relevant = Cut(decoded.text)  # LibCST may reject what Python accepts: say what
        module = sources.parse(decoded.text)
    if isinstance(module, Problem):
        return done(ModuleFacts(path, module_name, problems=(module,)), decoded.text)
    from signallint.collect import collect

    try:
        facts = collect(
            path,
            module,
            package,
            module_name,
            decoded.text,
            parsed_source=relevant.text,
            statement_lines=relevant.statement_lines,
            line_map=relevant.line_map,
        )
    except RecursionError:
        problem = Problem(sources.UNPARSABLE, "cannot analyse file: it is nested too deeply")
        facts = ModuleFacts(path, module_name, problems=(problem,))
    except Exception as error:  # a bug of ours must not stop the run: say so, go on
        facts = ModuleFacts(path, module_name, problems=(internal_error(error),))
    return done(facts, decoded.text)


def internal_error(error: Exception) -> Problem:
    where = ""
    if error.__traceback__ is not None:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f" at {os.path.basename(frame.filename)}:{frame.lineno}"
    reason = " ".join(str(error).split())[:120]
    return Problem(
        sources.INTERNAL_ERROR,
        f"internal error ({type(error).__name__}{where}: {reason}); please report it",
    )


def analyse_file(path: str, problem: Problem | None = None) -> Analysis:
    if problem is None:
        data = sources.read_bytes(path)
        if not isinstance(data, Problem):
            package, module_name = sources.package_of(path), sources.module_name_of(path)
            return analyse(path, data, package, module_name)
        problem = data
    return Analysis(ModuleFacts(path, problems=(problem,)), None)


@dataclass
class Item:
    """A file on its way to facts."""

    path: str
    problem: Problem | None
    data: bytes = b""
    package: str | None = None
    module_name: str | None = None
    project: bool = False
    # With ``project``: whether the run needs the import graph (it has a project root).
    import_graph: bool = True
    analysis: Analysis | None = None
    # The prefilter's first-round verdict, whether this run parsed the file, and what
    # the cache holds for its bytes.
    relevant: bool = False
    parsed: bool = False
    digest: bytes = b""
    cached: Entry | None = None
    # Facts of a parse whose result was not used (the second pass guessed wrong).
    spare: ModuleFacts | None = None


def read_item(path: str, problem: Problem | None, project: bool) -> Item:
    item = Item(path, problem, project=project)
    if problem is None:
        data = sources.read_bytes(path)
        if isinstance(data, Problem):
            item.problem = data
        else:
            item.data = data
            item.package, item.module_name = sources.package_of(path), sources.module_name_of(path)
    if item.problem is not None:
        item.analysis = Analysis(ModuleFacts(path, problems=(item.problem,)), None)
    return item


def given_item(path: str, data: bytes, project: bool) -> Item:
    """A file whose content is given (standard input), placed where ``path`` sits."""
    item = Item(path, None, data, project=project)
    item.package, item.module_name = sources.package_of(path), sources.module_name_of(path)
    return item


def analyse_item(item: Item, parse: bool) -> Analysis:
    return analyse(
        item.path,
        item.data,
        item.package,
        item.module_name,
        project=item.project,
        import_graph=item.import_graph,
        parse=parse,
    )
