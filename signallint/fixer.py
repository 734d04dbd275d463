"""Applying fixes in memory: plan, apply back to front, re-check (writing them is
:func:`signallint.fixes.files.write`'s, asked for by the command line).

Only files with a fixable diagnostic are touched, and only when ``--fix`` or ``--diff``
asks: a check without them never gets here. For each such file, rounds go:

1. plan: parse the current text and turn each applicable fix into text edits
   (:mod:`signallint.fixes.planning`); fixes whose edits overlap an earlier one wait
   for the next round, when they are planned again on the new text;
2. apply the edits back to front, then re-check: the text must still parse (and
   compile, if it did), and every fixed diagnostic must be gone. A round whose fixes
   fail together is retried with its first fix alone, which is refused if it fails too;
3. repeat until nothing is left to fix (at most ``MAX_ROUNDS`` rounds).

A fix may reveal problems signallint could not see before (fixing a misspelled
``reciver`` import makes the functions it decorates receivers); those are fixed in later
rounds when they can be. If, at the end, the file has a diagnostic it did not have
before, the fixes that introduced it are refused and the file is fixed again from the
start without them. Refusals are reported one line each.

Re-checking a file runs the rules with the whole project as context but compares only
that file's diagnostics; the whole project is compared once, after every file is fixed.
If another file then reports something new (a fix can change what a project rule sees),
every file is fixed again from the start, comparing the whole project after each fix,
which finds the fixes to blame. Only problems that were reported (not silenced by
``# noqa``, ignores or the baseline) are fixed, plus those the fixes reveal.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from signallint import sources
from signallint.diagnostics import Diagnostic
from signallint.engine import run_rules
from signallint.facts import Problem
from signallint.fixes.code import TextEdit
from signallint.fixes.files import FileFix, unified_diff
from signallint.fixes.planning import Planner
from signallint.pipeline import Analysis, analyse
from signallint.settings import Settings

MAX_ROUNDS = 50
MAX_RESTARTS = 10

Key = tuple[str, str, str]


def key_of(diagnostic: Diagnostic) -> Key:
    """What identifies a problem across edits that move it: file, code and message."""
    return (diagnostic.path, diagnostic.code, diagnostic.message)


@dataclass(frozen=True)
class Input:
    """A source that is not read from disk (``-``), with where it sits in its package."""

    data: bytes
    package: str | None = None
    module_name: str | None = None


@dataclass(frozen=True)
class Refusal:
    """A fix that was not applied, and why."""

    diagnostic: Diagnostic
    reason: str

    def line(self) -> str:
        d = self.diagnostic
        return f"{d.path}:{d.line}:{d.col + 1}: {d.code} fix not applied: {self.reason}"


@dataclass
class FixResult:
    files: list[FileFix] = field(default_factory=list)
    # The reported problems still there, at their places in the fixed files.
    remaining: list[Diagnostic] = field(default_factory=list)
    # How many reported problems the fixes made go away.
    fixed: int = 0
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if f.changed]

    def diff(self) -> str:
        return "".join(unified_diff(f.path, f.original_text, f.text) for f in self.changed)


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    return diagnostic.fix is not None and (diagnostic.fix.safe or unsafe)


def fix(
    reported: Sequence[Diagnostic],
    analyses: Sequence[Analysis],
    settings: Settings,
    *,
    unsafe: bool = False,
    others: Sequence[Analysis] = (),
    root: str | None = None,
    inputs: Mapping[str, Input] | None = None,
) -> FixResult:
    """Fix the ``reported`` problems that have an applicable fix; write nothing.

    ``analyses`` (and ``others``, ``root``) are the project as it was checked, so that
    fixed files are re-checked with everything the rules saw. ``inputs`` holds sources
    not read from disk, by path (standard input).
    """
    wanted = Counter(key_of(d) for d in reported)
    paths = sorted({d.path for d in reported if applicable(d, unsafe)})
    initial: list[Diagnostic] | None = None
    # Each file is re-checked with the whole project as context, but only its own
    # diagnostics are compared, then the whole project once at the end. In the rare
    # case where a file's fixes changed what another file reports, every file is fixed
    # again, re-checking the whole project after each fix to find the culprits.
    for whole_project in (False, True):
        fixer = _Fixer(analyses, others, root, settings, unsafe, inputs or {}, whole_project)
        fixer.seed(initial)
        result = FixResult()
        for path in paths:
            outcome = fixer.fix_file(path, {k for k in wanted if k[0] == path})
            if outcome is not None:
                file_fix, refusals = outcome
                result.files.append(file_fix)
                result.refusals += refusals
        initial = fixer.initial
        final = fixer.check(fixer.analyses) if result.changed else fixer.current()
        if whole_project or not result.changed:
            break
        if not Counter(key_of(d) for d in final) - Counter(key_of(d) for d in initial):
            break
    budget = Counter(wanted)
    for diagnostic in final:
        key = key_of(diagnostic)
        if budget[key] > 0:
            budget[key] -= 1
            result.remaining.append(diagnostic)
    result.fixed = len(reported) - len(result.remaining)
    return result


@dataclass
class _Trial:
    ok: bool
    reason: str = ""
    text: str = ""
    analysis: Analysis | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    new: Counter[Key] = field(default_factory=Counter)


@dataclass
class _Plan:
    diagnostics: list[Diagnostic]
    edits: tuple[TextEdit, ...]


@dataclass
class _Rounds:
    text: str
    analysis: Analysis
    diagnostics: list[Diagnostic]
    applied: int
    refusals: list[Refusal]
    # For each problem that appeared, the fixes (by their diagnostic) that made it appear.
    introduced_by: dict[Key, list[Diagnostic]]


class _Fixer:
    def __init__(
        self,
        analyses: Sequence[Analysis],
        others: Sequence[Analysis],
        root: str | None,
        settings: Settings,
        unsafe: bool,
        inputs: Mapping[str, Input],
        whole_project: bool,
    ) -> None:
        self.analyses = list(analyses)
        self.others = others
        self.root = root
        self.settings = settings
        self.unsafe = unsafe
        self.inputs = inputs
        self.whole_project = whole_project
        self._current: list[Diagnostic] | None = None
        self.initial: list[Diagnostic] = []

    def current(self) -> list[Diagnostic]:
        """The project's diagnostics as last known (fixed files re-checked one by one)."""
        if self._current is None:
            self._current = self.check(self.analyses)
            self.initial = self._current
        return self._current

    def seed(self, initial: list[Diagnostic] | None) -> None:
        """Start from the diagnostics of the unchanged project, when already known."""
        if initial is not None:
            self._current = self.initial = initial

    def check(self, analyses: Sequence[Analysis]) -> list[Diagnostic]:
        """Every diagnostic of ``analyses``, the project as it is otherwise."""
        return run_rules(analyses, self.settings, others=self.others, root=self.root)

    def recheck(self, index: int, analysis: Analysis) -> list[Diagnostic]:
        """What is reported once file ``index`` reads as ``analysis``: the file's own
        diagnostics, or the whole project's with ``whole_project``."""
        analyses = list(self.analyses)
        analyses[index] = analysis
        if self.whole_project:
            return self.check(analyses)
        rest = [*analyses[:index], *analyses[index + 1 :], *self.others]
        return run_rules([analysis], self.settings, others=rest, root=self.root)

    def _index(self, path: str) -> int | None:
        return next((i for i, a in enumerate(self.analyses) if a.facts.path == path), None)

    def fix_file(self, path: str, wanted: set[Key]) -> tuple[FileFix, list[Refusal]] | None:
        index = self._index(path)
        if index is None:
            return None
        given = self.inputs.get(path)
        data = given.data if given is not None else sources.read_bytes(path)
        if isinstance(data, Problem):
            return None
        decoded = sources.decode(data)
        analysis = self.analyses[index]
        if isinstance(decoded, Problem) or analysis.text is None or analysis.facts.problems:
            return None  # never touch a file that did not decode or parse
        if decoded.text != analysis.text:
            return None  # changed on disk since it was checked
        if given is not None:
            package, module_name = given.package, given.module_name
        else:
            package, module_name = sources.package_of(path), sources.module_name_of(path)
        state = _FileState(
            self, path, index, decoded.encoding, package, module_name, analysis, decoded.text
        )
        if self.whole_project:
            state.initial = self.current()
        else:
            # Taken from the last whole check: other files fixed since may have changed
            # it, which matters only if a fix seems to add a problem (then re-checked).
            state.initial = [d for d in self.current() if d.path == path]
            state.stale = True
        refused: dict[Key, str] = {}
        refusals: list[Refusal] = []
        rounds = None
        for _ in range(MAX_RESTARTS):
            rounds = state.rounds(wanted, refused)
            reference = Counter(key_of(d) for d in state.initial)
            new = Counter(key_of(d) for d in rounds.diagnostics) - reference
            if not new:
                break
            culprits = {
                key_of(culprit): (culprit, key)
                for key in new
                for culprit in rounds.introduced_by.get(key, [])
            }
            if not culprits or all(k in refused for k in culprits):
                rounds = None  # cannot tell which fix is to blame: fix nothing here
                break
            for culprit_key, (culprit, key) in culprits.items():
                code, message = key[1], key[2]
                reason = f"it would introduce {code} ({message})"
                refused[culprit_key] = reason
                refusals.append(Refusal(culprit, reason))
        else:
            rounds = None
        if rounds is None:
            text, applied = decoded.text, 0
        else:
            text, applied = rounds.text, rounds.applied
            refusals += rounds.refusals
            self.analyses[index] = rounds.analysis
            if self.whole_project:
                self._current = rounds.diagnostics
            else:
                others = [d for d in self.current() if d.path != path]
                self._current = [*others, *rounds.diagnostics]
        file_fix = FileFix(path, decoded.encoding, data, decoded.text, text, applied)
        return file_fix, refusals


@dataclass
class _FileState:
    fixer: _Fixer
    path: str
    index: int
    encoding: str
    package: str | None
    module_name: str | None
    analysis: Analysis
    original: str
    # What is reported before any fix (this file's diagnostics, or the whole project's).
    initial: list[Diagnostic] = field(default_factory=list)
    stale: bool = False
    _compiles: bool | None = None

    def rounds(self, wanted: set[Key], refused: Mapping[Key, str]) -> _Rounds:
        text, analysis, diagnostics = self.original, self.analysis, self.initial
        wanted = set(wanted)
        failed: set[Key] = set(refused)
        applied = 0
        refusals: list[Refusal] = []
        introduced_by: dict[Key, list[Diagnostic]] = {}
        for _ in range(MAX_ROUNDS):
            candidates = [
                d
                for d in diagnostics
                if d.path == self.path
                and applicable(d, self.fixer.unsafe)
                and key_of(d) in wanted
                and key_of(d) not in failed
            ]
            if not candidates:
                break
            plans = self._plan(text, candidates, failed)
            if not plans:
                break
            trial = self._try(text, diagnostics, plans)
            if trial.ok and trial.new and self.stale and text == self.original:
                self.initial = diagnostics = self.fixer.recheck(self.index, self.analysis)
                self.stale = False
                trial = self._judge(trial, diagnostics, plans)
            if not trial.ok or (trial.new and len(plans) > 1):
                plans = plans[:1]
                trial = self._try(text, diagnostics, plans)
            if not trial.ok:
                for diagnostic in plans[0].diagnostics:
                    failed.add(key_of(diagnostic))
                    refusals.append(Refusal(diagnostic, trial.reason))
                continue
            assert trial.analysis is not None
            text, analysis, diagnostics = trial.text, trial.analysis, trial.diagnostics
            applied += len(plans)
            for key in trial.new:
                wanted.add(key)  # revealed by a fix: fix it too if it can be
                introduced_by.setdefault(key, []).extend(plans[0].diagnostics)
        return _Rounds(text, analysis, diagnostics, applied, refusals, introduced_by)

    def _plan(self, text: str, candidates: Iterable[Diagnostic], failed: set[Key]) -> list[_Plan]:
        """Plans for the candidates, in order, skipping those that overlap earlier ones."""
        planner = Planner(text)
        plans: list[_Plan] = []
        taken: list[TextEdit] = []
        for diagnostic in sorted(candidates, key=Diagnostic.sort_key):
            assert diagnostic.fix is not None
            edits = planner.edits(diagnostic.fix.action)
            if not edits:
                failed.add(key_of(diagnostic))  # no fix in this shape of code
                continue
            same = next((p for p in plans if p.edits == edits), None)
            if same is not None:
                same.diagnostics.append(diagnostic)  # one edit fixes both
            elif not any(_overlap(a, b) for a in edits for b in taken):
                plans.append(_Plan([diagnostic], edits))
                taken += edits
        return plans

    def _try(self, text: str, before: list[Diagnostic], plans: Sequence[_Plan]) -> _Trial:
        edits = [edit for plan in plans for edit in plan.edits]
        new_text = apply_edits(text, edits)
        try:
            data = new_text.encode(self.encoding)
        except UnicodeEncodeError:
            return _Trial(False, f"the fixed code cannot be encoded as {self.encoding}")
        project = self.analysis.facts.wiring is not None
        analysis = analyse(
            self.path, data, self.package, self.module_name, prefilter=False, project=project
        )
        if analysis.facts.problems:
            return _Trial(False, "the fixed code would not parse")
        error = _compile_error(new_text, self.path)
        if error is not None and self._original_compiles():
            return _Trial(False, f"the fixed code would not compile ({error})")
        after = self.fixer.recheck(self.index, analysis)
        return self._judge(_Trial(True, "", new_text, analysis, after), before, plans)

    def _judge(self, trial: _Trial, before: list[Diagnostic], plans: Sequence[_Plan]) -> _Trial:
        """Every fixed problem must be gone; what appeared is noted."""
        counts = Counter(key_of(d) for d in trial.diagnostics)
        fixed = Counter(key_of(d) for plan in plans for d in plan.diagnostics)
        previous = Counter(key_of(d) for d in before)
        if any(counts[k] > previous[k] - n for k, n in fixed.items()):
            return _Trial(False, "the problem would still be reported after the fix")
        trial.ok, trial.reason, trial.new = True, "", counts - previous
        return trial

    def _original_compiles(self) -> bool:
        if self._compiles is None:
            self._compiles = _compile_error(self.original, self.path) is None
        return self._compiles


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    """Edits that cannot both be applied: intersecting, or at the same place."""
    return a.start == b.start or (max(a.start, b.start) < min(a.end, b.end))


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits, back to front so that offsets stay valid."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.new + text[edit.end :]
    return text


def _compile_error(text: str, path: str) -> str | None:
    """Why Python would not compile ``text`` (duplicate parameters, say), or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            return str(error.args[0]) if error.args else type(error).__name__
    return None


def fix_source(
    source: str | bytes,
    path: str = "<string>",
    settings: Settings | None = None,
    *,
    unsafe: bool = False,
    package: str | None = None,
) -> FixResult:
    """Fix one module's source, as ``check_source`` checks it; nothing is written.

    ``result.files[0].text`` (when there is one) is the fixed source.
    """
    settings = settings or Settings()
    data = source.encode("utf-8") if isinstance(source, str) else source
    given = stdin_input(path, data, package)
    analysis = analyse(path, data, given.package, given.module_name)
    reported = run_rules([analysis], settings)
    return fix(reported, [analysis], settings, unsafe=unsafe, inputs={path: given})


def stdin_input(name: str, data: bytes, package: str | None) -> Input:
    """Standard input, placed in ``package`` as ``check_source`` places it."""
    module_name = None
    if package is not None:
        stem = os.path.splitext(os.path.basename(name))[0]
        module_name = package if stem == "__init__" else f"{package}.{stem}"
    return Input(data, package, module_name)
