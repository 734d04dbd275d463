"""``--fix`` and ``--diff`` on the command line: fix, write, and say what happened.

The fixing itself is :mod:`signallint.fixer`'s; this module chooses which problems go to
it (files on disk, standard input), writes the fixed files and prints the outcome.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from signallint import sources
from signallint.diagnostics import Diagnostic
from signallint.engine import RunResult
from signallint.fixer import FixResult, Input, Refusal, fix, stdin_input
from signallint.fixes.files import FileFix, unified_diff, write
from signallint.pipeline import analyse
from signallint.settings import Settings


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
        run = self.result
        if self.stdin is not None and run is not None and stdin_name in run.files:
            # Standard input was checked as its file of the project: fixed with it.
            name, data, _ = self.stdin
            placed = Input(data, sources.package_of(name), sources.module_name_of(name))
            results.append(
                fix(
                    reported,
                    run.analyses,
                    self.settings,
                    unsafe=self.unsafe,
                    others=run.others,
                    root=run.root,
                    inputs={name: placed},
                )
            )
            self.stdin_fix = next((f for f in results[0].files if f.path == name), None)
            if self.stdin_fix is None:
                decoded = sources.decode(data)
                text = decoded.text if isinstance(decoded, sources.Decoded) else ""
                self.stdin_fix = FileFix(name, "utf-8", data, text, text, 0)
        elif on_disk and self.result is not None:
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
        if self.stdin is not None and self.stdin_fix is None:
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
