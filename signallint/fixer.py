"""Applying fixes: plan, apply back to front, re-check, then write atomically.

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

import contextlib
import difflib
import os
import re
import stat
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from signallint import sources
from signallint.diagnostics import Diagnostic
from signallint.engine import RunResult, run_rules
from signallint.facts import Problem
from signallint.fixes.planning import Planner, TextEdit
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


@dataclass(frozen=True)
class FileFix:
    path: str
    encoding: str
    original: bytes
    original_text: str
    text: str
    # Fixes applied (each may have fixed several reported problems, or revealed ones).
    applied: int

    @property
    def data(self) -> bytes:
        return self.text.encode(self.encoding)

    @property
    def changed(self) -> bool:
        return self.text != self.original_text


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


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file, as ``diff -u`` prints it (line endings kept)."""
    old, new = _LINES.findall(before), _LINES.findall(after)
    lines = []
    for line in difflib.unified_diff(old, new, fromfile=path, tofile=path):
        lines.append(line)
        if not line.endswith(("\n", "\r")):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines)


def write(file_fix: FileFix) -> str | None:
    """Replace the file with its fixed bytes, atomically; a one-line error, or None.

    The file keeps its permissions (and stays a symbolic link's target); nothing is
    written when it changed on disk since it was read.
    """
    target = os.path.realpath(file_fix.path)
    directory = os.path.dirname(target)
    try:
        with open(target, "rb") as handle:
            if handle.read() != file_fix.original:
                return f"{file_fix.path}: not fixed: the file changed while it was being fixed"
        mode = stat.S_IMODE(os.stat(target).st_mode)
        descriptor, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".signallint"
        )
    except OSError as error:
        return f"{file_fix.path}: not fixed: {error.strerror or error}"
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(file_fix.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return f"{file_fix.path}: not fixed: {error.strerror or error}"
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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class FixRun:
    """``--fix`` and ``--diff`` for the command line: fix, write, and say what happened.

    ``result`` is the run over the paths (None when only ``-`` was checked); ``stdin``
    the name, bytes and package of standard input when it was read.
    """

    def __init__(
        self,
        settings: Settings,
        result: RunResult | None,
        stdin: tuple[str, bytes, str | None] | None,
        unsafe: bool,
        *,
        write: bool,
    ) -> None:
        self.settings = settings
        self.result = result
        self.stdin = stdin
        self.unsafe = unsafe
        self.write = write
        self.fixed = 0
        self.remaining: list[Diagnostic] = []
        self.refusals: list[Refusal] = []
        self.errors: list[str] = []
        self.changed: list[FileFix] = []
        self.stdin_fix: FileFix | None = None
        # The text of every file fixed, by path (for ``--show-source``).
        self.texts: dict[str, str] = {}

    def run(self, reported: Sequence[Diagnostic]) -> list[Diagnostic]:
        """Fix what can be fixed of ``reported``; returns the problems that remain."""
        stdin_name = self.stdin[0] if self.stdin is not None else None
        on_stdin = [d for d in reported if d.path == stdin_name]
        on_disk = [d for d in reported if d.path != stdin_name]
        results: list[FixResult] = []
        if on_disk and self.result is not None:
            run = self.result
            results.append(
                fix(
                    on_disk,
                    run.analyses,
                    self.settings,
                    unsafe=self.unsafe,
                    others=run.others,
                    root=run.root,
                )
            )
        if self.stdin is not None:
            name, data, package = self.stdin
            given = stdin_input(name, data, package)
            analysis = analyse(name, data, given.package, given.module_name)
            stdin_result = fix(
                on_stdin, [analysis], self.settings, unsafe=self.unsafe, inputs={name: given}
            )
            results.append(stdin_result)
            self.stdin_fix = next(iter(stdin_result.files), None)
            if self.stdin_fix is None:
                decoded = sources.decode(data)
                text = decoded.text if isinstance(decoded, sources.Decoded) else ""
                self.stdin_fix = FileFix(name, "utf-8", data, text, text, 0)
        unwritten: set[str] = set()
        for result in results:
            self.refusals += result.refusals
            for file_fix in result.changed:
                if self.write and file_fix.path != stdin_name:
                    error = write(file_fix)
                    if error is not None:
                        self.errors.append(error)
                        unwritten.add(file_fix.path)
                        continue
                self.changed.append(file_fix)
                self.texts[file_fix.path] = file_fix.text
        remaining = [d for r in results for d in r.remaining if d.path not in unwritten]
        remaining += [d for d in reported if d.path in unwritten]
        if self.result is None:
            remaining += on_disk
        self.remaining = sorted(remaining, key=Diagnostic.sort_key)
        self.fixed = len(reported) - len(self.remaining)
        return self.remaining

    @property
    def would_change(self) -> bool:
        """With ``--diff``: whether the diff is not empty."""
        return not self.write and bool(self.changed)

    def report(self, output: str, colour: bool) -> None:
        """Print the diagnostics (``output``), the diff or the fixed source, and why
        some fixes were not applied."""
        import sys

        import click

        for refusal in self.refusals:
            click.echo(refusal.line(), err=True)
        for error in self.errors:
            click.echo(error, err=True)
        if not self.write:
            click.echo(
                "".join(unified_diff(f.path, f.original_text, f.text) for f in self.changed),
                nl=False,
            )
            return
        if self.stdin_fix is not None:
            # Editors read the fixed source back from stdout; diagnostics go to stderr.
            if output:
                click.echo(output, nl=False, err=True, color=colour)
            stdin = self.stdin_fix
            sys.stdout.buffer.write(stdin.data if stdin.changed else stdin.original)
            sys.stdout.flush()
            return
        if output:
            click.echo(output, nl=False, color=colour)

    def summary(self) -> str:
        files = len({f.path for f in self.changed})
        if self.write:
            changed = f"{_plural(files, 'file')} changed"
            fixed = _plural(self.fixed, "problem")
            return f"Fixed {fixed}, {len(self.remaining)} remaining ({changed})."
        would = f"{_plural(files, 'file')} would change"
        return (
            f"Would fix {_plural(self.fixed, 'problem')}, "
            f"{len(self.remaining)} would remain ({would})."
        )
