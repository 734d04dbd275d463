"""The ``signallint`` command: a thin shell over :mod:`signallint.engine`.

Exit status: 0 nothing found, 1 diagnostics reported, 2 usage or configuration error.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import click

from signallint import __version__, catalogue, map_check
from signallint.cache import default_directory as default_cache_directory
from signallint.cache import wait_for_writes
from signallint.diagnostics import Diagnostic
from signallint.settings import (
    OUTPUT_FORMATS,
    ConfigError,
    Settings,
    load_settings,
    parse_codes,
    parse_django_version,
)

EXIT_CLEAN, EXIT_FOUND, EXIT_USAGE = 0, 1, 2


class DefaultCommandGroup(click.Group):
    """``signallint PATH...`` means ``signallint check PATH...``."""

    default_command = "check"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        group_options = {"--help", "-h", "--version"}
        if not args or (args[0] not in self.commands and args[0] not in group_options):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """``signallint --help`` lists the options of ``check`` too: they are the ones
        ``signallint PATH...`` takes."""
        super().format_options(ctx, formatter)
        command = self.commands[self.default_command]
        sub = click.Context(command, info_name=self.default_command, parent=ctx)
        records = [
            record
            for param in command.get_params(sub)
            if isinstance(param, click.Option)
            and not set(param.opts) & set(ctx.help_option_names)
            and (record := param.get_help_record(sub)) is not None
        ]
        with formatter.section(f"Options of `{self.default_command}` (the default command)"):
            formatter.write_dl(records)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="signallint")
def main() -> None:
    """A static linter for Django signals.

    Run `signallint [OPTIONS] PATH...` to check files (the `check` command, with the
    options listed below), `signallint rules` to list the rules and `signallint explain
    CODE` to read why one matters.
    """


def run() -> None:
    """The ``signallint`` command: ``main``, then an exit that skips tearing down the
    interpreter. Freeing every fact of every file one by one takes longer than the rules
    (75 ms on a tree of 4,000 files); once the output is written, the cache saved and the
    workers gone there is nothing left to clean up (mypy exits the same way)."""
    code: int
    try:
        main(prog_name="signallint")
        code = 0
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            code = exit.code or 0
        else:
            print(exit.code, file=sys.stderr)
            code = 1
    wait_for_writes()  # every command that writes the cache waits already: be sure
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say
            stream.flush()
    os._exit(code)


def announce_target(settings: Settings, quiet: bool) -> None:
    """Say on stderr which Django the run targets when it was not set explicitly (or
    differs from what the project targets); a target outside the catalogue even with -q."""
    version = catalogue.format_version(settings.django_version)
    source = settings.django_version_source
    if settings.django_version_warning:
        click.echo(f"signallint: warning: {settings.django_version_warning} ({source})", err=True)
    elif not quiet and (settings.django_version_detected or source.startswith("--django-version;")):
        click.echo(f"signallint: target Django {version}, {source}", err=True)


def _fail(message: str) -> None:
    click.echo(f"signallint: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def build_settings(
    config: str | None,
    start: str,
    select: str | None = None,
    extend_select: str | None = None,
    ignore: str | None = None,
    exclude: str | None = None,
    extend_exclude: str | None = None,
    django_version: str | None = None,
    output_format: str | None = None,
) -> Settings:
    """Settings from configuration, then command-line overrides; exits 2 when unusable."""
    try:
        settings = load_settings(config, start)
        overrides: dict[str, Any] = {
            "select": parse_codes("--select", select),
            "extend_select": parse_codes("--extend-select", extend_select),
            "ignore": parse_codes("--ignore", ignore),
            "output_format": output_format,
        }
        if exclude is not None:
            overrides["exclude"] = tuple(p for p in exclude.split(",") if p)
        if extend_exclude is not None:
            overrides["extend_exclude"] = tuple(p for p in extend_exclude.split(",") if p)
        if django_version is not None:
            target = parse_django_version(django_version, "--django-version")
            overrides["django_version"] = target
            overrides["django_version_source"] = "--django-version"
            overrides["django_version_warning"] = ""
            if target != settings.django_version and settings.config_or_declaration:
                # An upgrade (or downgrade) check: say what the project itself targets.
                declared = catalogue.format_version(settings.django_version)
                overrides["django_version_source"] = (
                    f"--django-version; the project targets {declared} "
                    f"({settings.django_version_source}): reporting how the code behaves "
                    f"on {catalogue.format_version(target)}"
                )
        return settings.with_overrides(**overrides)
    except ConfigError as error:
        _fail(str(error))
        raise  # unreachable: _fail exits


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", metavar="CODES", help="Comma-separated rule codes or prefixes to enable.")
@click.option("--extend-select", metavar="CODES", help="Enable these codes on top of `select`.")
@click.option("--ignore", metavar="CODES", help="Comma-separated rule codes or prefixes to skip.")
@click.option("--exclude", metavar="PATTERNS", help="Replace the default excluded paths.")
@click.option("--extend-exclude", metavar="PATTERNS", help="Exclude these paths too.")
@click.option("--django-version", metavar="X.Y", help="Target Django version (e.g. 5.2).")
@click.option(
    "--format",
    "--output-format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    help="How to print diagnostics (default: text).",
)
@click.option("--config", type=click.Path(dir_okay=False), help="Read this pyproject.toml.")
@click.option(
    "--project-root",
    type=click.Path(file_okay=False),
    help="The project's root directory, read for the whole-project rules (default: found).",
)
@click.option("--stdin-filename", metavar="PATH", help="The name of the file read from `-`.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics are reported.")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, no summary.")
@click.option("--show-source", is_flag=True, help="Show each offending line, with a caret (text).")
@click.option("--statistics", is_flag=True, help="Count the problems per code at the end (text).")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    help="Colour text output (auto: when stdout is a terminal and NO_COLOR is unset).",
)
@click.option(
    "--baseline",
    "baseline_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Report only problems that this baseline does not record.",
)
@click.option(
    "--write-baseline",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Record every problem found in FILE (a baseline) and exit 0.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes that parse files (default: one per core; used only for large runs).",
)
@click.option(
    "--cache-dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Where per-file results are cached (default: the user cache directory).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; change nothing.")
def check(
    paths: Sequence[str],
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    exclude: str | None,
    extend_exclude: str | None,
    django_version: str | None,
    output_format: str | None,
    config: str | None,
    project_root: str | None,
    stdin_filename: str | None,
    exit_zero: bool,
    quiet: bool,
    show_source: bool,
    statistics: bool,
    color: str,
    baseline_file: str | None,
    write_baseline: str | None,
    jobs: int | None,
    cache_dir: str | None,
    no_cache: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
) -> None:
    """Check Python files under PATHS (default: the current directory)."""
    from signallint import engine, sources
    from signallint.reporters import ReportContext, reporter

    paths = list(paths) or ["."]
    start = stdin_filename or next((p for p in paths if p != "-"), ".")
    settings = build_settings(
        config,
        start,
        select,
        extend_select,
        ignore,
        exclude,
        extend_exclude,
        django_version,
        output_format,
    )
    if project_root is not None:
        settings = settings.with_overrides(project_root=project_root)
    settings = settings.with_overrides(
        jobs=jobs, cache_dir=cache_dir or settings.cache_dir or default_cache_directory()
    )
    if no_cache:
        settings = replace(settings, cache_dir=None)
    announce_target(settings, quiet)
    if (show_source or statistics) and settings.output_format != "text":
        _fail("--show-source and --statistics apply to the text format only")
    if unsafe_fixes and not (fix or diff):
        _fail("--unsafe-fixes applies to --fix and --diff only")
    if (fix or diff) and write_baseline is not None:
        _fail("--write-baseline cannot be combined with --fix or --diff")
    baseline = None
    if baseline_file is not None:
        from signallint.baseline import Baseline, BaselineError

        try:
            baseline = Baseline.load(baseline_file)
        except BaselineError as error:
            _fail(str(error))
    diagnostics: list[Diagnostic] = []
    files: list[str] = []
    texts: dict[str, str] = {}
    stdin: tuple[str, bytes, str | None] | None = None
    result: engine.RunResult | None = None
    given: dict[str, bytes] = {}
    if "-" in paths:
        name = stdin_filename or "-"
        data = sys.stdin.buffer.read()
        package = _package_for(stdin_filename)
        stdin = (name, data, package)
        if stdin_filename:
            # Checked as that file of its project, in the run over the other paths.
            given[name] = data
        else:
            diagnostics += engine.check_source(data, name, settings, package=package)
            files.append(name)
        decoded = sources.decode(data)
        texts[name] = decoded.text if isinstance(decoded, sources.Decoded) else ""
    others = [*given, *(p for p in paths if p != "-")]
    if others:
        progress = _progress_line() if not quiet and sys.stderr.isatty() else None
        result = engine.check_paths(others, settings, progress, given=given)
        if progress is not None:
            click.echo("\r\033[K", nl=False, err=True)
        diagnostics += result.diagnostics
        files += result.files
    diagnostics.sort(key=Diagnostic.sort_key)
    if not files and not quiet:
        _warn_no_files()
    lines: dict[str, list[str]] = {}
    if show_source or baseline is not None or write_baseline is not None:
        from signallint.baseline import read_lines

        lines = read_lines(sorted({d.path for d in diagnostics}), texts)
    if write_baseline is not None:
        from signallint.baseline import Baseline, BaselineError

        try:
            Baseline.of(write_baseline, diagnostics, lines).write(write_baseline)
        except BaselineError as error:
            _fail(str(error))
        if not quiet:
            count = len(diagnostics)
            noun = "problem" if count == 1 else "problems"
            click.echo(f"Recorded {count} {noun} in {write_baseline}.", err=True)
        return
    known = 0
    if baseline is not None:
        diagnostics, known = baseline.new(diagnostics, lines)
    if fix or diff:
        from signallint.cli_fix import FixRun

        fixes = FixRun(settings, result, stdin, unsafe_fixes, write=not diff)
        diagnostics = fixes.run(diagnostics)
        if show_source:
            lines = read_lines(sorted({d.path for d in diagnostics}), fixes.texts)
    colour = color == "always" or (
        color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    context = ReportContext(files, lines, os.getcwd(), show_source, statistics, colour)
    output = reporter(settings.output_format)(diagnostics, context)
    if fix or diff:
        # The diff, or the fixed source read from `-`, owns stdout.
        fixes.report(output, colour)
        if not quiet:
            more = f" {known} more in the baseline." if known else ""
            click.echo(fixes.summary() + more, err=True)
        if (diagnostics or fixes.would_change) and not exit_zero:
            sys.exit(EXIT_FOUND)
        return
    if output:
        click.echo(output, nl=False, color=colour)
    if not quiet:
        summary = _summary(diagnostics, len(files))
        click.echo(summary + (f" {known} more in the baseline." if known else ""), err=True)
        fixable = _fixable(diagnostics)
        if fixable:
            click.echo(fixable, err=True)
    if diagnostics and not exit_zero:
        sys.exit(EXIT_FOUND)


def _package_for(filename: str | None) -> str | None:
    from signallint.sources import package_of

    return package_of(filename) if filename else None


def _progress_line() -> Callable[[int, int], None]:
    """A progress line on stderr for long runs: silent for the first second."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        if time.monotonic() - started > 1.0:
            click.echo(f"\rsignallint: parsed {done}/{total} files", nl=False, err=True)

    return show


def _warn_no_files() -> None:
    click.echo("signallint: warning: No Python files found under the given paths", err=True)


def _fixable(diagnostics: Sequence[Diagnostic]) -> str:
    """What ``--fix`` (and ``--unsafe-fixes``) would fix, in ruff's words; empty when
    nothing has a fix."""
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.safe)
    unsafe = sum(1 for d in diagnostics if d.fix is not None and not d.fix.safe)
    hidden = ""
    if unsafe:
        fixes = "fix" if unsafe == 1 else "fixes"
        hidden = f"{unsafe} hidden {fixes} can be enabled with the `--unsafe-fixes` option"
    if safe:
        return f"[*] {safe} fixable with the `--fix` option" + (f" ({hidden})." if hidden else ".")
    return f"No fixes available ({hidden})." if hidden else ""


def _summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not diagnostics:
        return f"All checks passed ({checked})."
    count = len(diagnostics)
    with_problems = len({d.path for d in diagnostics})
    return (
        f"Found {count} problem{'s' if count != 1 else ''} in {with_problems} "
        f"file{'s' if with_problems != 1 else ''} ({checked})."
    )


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Explain a rule (or SIG501-SIG505, SIG901-SIG903): what it finds, why it matters."""
    from signallint.explain import render_problem, render_rule
    from signallint.rules import problem_by_name_or_code, rule_by_name_or_code

    found = rule_by_name_or_code(code)
    if found is not None:
        click.echo(render_rule(found))
        return
    problem = problem_by_name_or_code(code)
    if problem is None:
        _fail(f"unknown rule: {code} (run `signallint rules` for the list)")
        return
    click.echo(render_problem(problem))


@main.command("rules")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text"
)
def list_rules(output_format: str) -> None:
    """List every rule: code, name, fix availability, scope and summary."""
    from signallint.explain import rules_json, rules_markdown, rules_text

    render = {"text": rules_text, "json": rules_json, "markdown": rules_markdown}[output_format]
    click.echo(render(), nl=False)


@main.command()
@click.option("--django-version", metavar="X.Y", help="Django version (default: newest).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def signals(django_version: str | None, output_format: str) -> None:
    """Print the catalogue of Django's built-in signals and what each one sends."""
    from signallint.explain import signals_json, signals_text

    version = catalogue.NEWEST_VERSION
    if django_version is not None:
        try:
            version = parse_django_version(django_version, "--django-version")
        except ConfigError as error:
            _fail(str(error))
    render = signals_json if output_format == "json" else signals_text
    click.echo(render(version), nl=False)


@main.command("show-settings")
@click.argument("path", required=False, default=".", type=click.Path())
@click.option("--config", type=click.Path(dir_okay=False), help="Read this pyproject.toml.")
@click.option("--django-version", metavar="X.Y", help="Target Django version (e.g. 5.2).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def show_settings(
    path: str, config: str | None, django_version: str | None, output_format: str
) -> None:
    """Print the effective settings for PATH and why each rule is on or off."""
    from signallint.engine import enabled_rules
    from signallint.rules import all_rules

    settings = build_settings(config, path, django_version=django_version)
    on = {r.code for r in enabled_rules(settings)}
    states = {}
    for found in all_rules():
        if found.code in on:
            states[found.code] = "on"
        elif not found.applies_to(settings.django_version):
            states[found.code] = f"off (applies to Django {found.versions_text})"
        elif not found.default_enabled:
            states[found.code] = "off (opt-in: select it by code)"
        else:
            states[found.code] = "off (not selected, or ignored)"
    version = catalogue.format_version(settings.django_version)
    if output_format == "json":
        shown = {
            "config": settings.config_path,
            "django_version": version,
            "django_version_source": settings.django_version_source,
            "django_version_warning": settings.django_version_warning or None,
            "select": list(settings.select + settings.extend_select),
            "ignore": list(settings.ignore),
            "exclude": list(settings.excludes),
            "per_file_ignores": {p: list(codes) for p, codes in settings.per_file_ignores},
            "rules": states,
        }
        click.echo(json.dumps(shown, indent=2))
        return
    click.echo(f"config: {settings.config_path or '(none found; defaults)'}")
    click.echo(f"django-version: {version} ({settings.django_version_source})")
    if settings.django_version_warning:
        click.echo(f"warning: {settings.django_version_warning}")
    click.echo(f"select: {', '.join(settings.select + settings.extend_select)}")
    click.echo(f"ignore: {', '.join(settings.ignore) or '(none)'}")
    click.echo(f"exclude: {', '.join(settings.excludes)}")
    for found in all_rules():
        click.echo(f"{found.code} {found.name}: {states[found.code]}")


@main.command("map")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "mermaid", "dot"]),
    default="text",
    help="A grouped listing, JSON, or a Mermaid or Graphviz graph (default: text).",
)
@click.option(
    "--project-root",
    type=click.Path(file_okay=False),
    help="The project's root directory, read to tell which receivers are connected.",
)
@click.option("--django-version", metavar="X.Y", help="Target Django version (e.g. 5.2).")
@click.option("--config", type=click.Path(dir_okay=False), help="Read this pyproject.toml.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--check",
    "committed",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Compare the map with FILE (a committed `--format json` map): exit 1 with a diff"
    " when receivers appeared, disappeared, or changed signal, sender or connection.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Start the project (runs its settings and ready()) and mark each receiver live,"
    " dead or absent (text and JSON; see `signallint verify`).",
)
@click.option("--settings", "settings_name", metavar="MODULE", help="With --verify: settings.")
@click.option("--python", metavar="PATH", help="With --verify: the project's interpreter.")
def signal_map(
    paths: Sequence[str],
    output_format: str,
    project_root: str | None,
    django_version: str | None,
    config: str | None,
    no_cache: bool,
    committed: str | None,
    verify: bool,
    settings_name: str | None,
    python: str | None,
) -> None:
    """Print every signal in PATHS with its senders and receivers, and whether each
    receiver is connected at all. Files that cannot be read or parsed are reported on
    stderr as `check` reports them (exit 1)."""
    from signallint import signal_map as mapping
    from signallint.reporters import ReportContext, reporter

    paths = list(paths) or ["."]
    if (settings_name or python) and not verify:
        _fail("--settings and --python apply to --verify only")
    if verify and (output_format not in ("text", "json") or len(paths) != 1):
        _fail("--verify takes one PATH and the text or json format")
    if verify and committed is not None:
        _fail("--check and --verify cannot be combined")
    settings = build_settings(config, paths[0], django_version=django_version)
    if project_root is not None:
        settings = settings.with_overrides(project_root=project_root)
    announce_target(settings, quiet=False)
    if no_cache or verify:
        settings = replace(settings, cache_dir=None)
    before = None if committed is None else _committed_map(committed)
    if verify:
        found = _verified_map(paths[0], settings, settings_name, python, output_format)
    else:
        found = mapping.build(paths, settings)
    if before is None and not verify:
        click.echo(mapping.render(found, output_format), nl=False)
    if not found.files:
        _warn_no_files()
    if found.problems:
        context = ReportContext(root=os.getcwd())
        click.echo(reporter("text")(found.problems, context), nl=False, err=True)
    if before is not None and committed is not None:
        changes = map_check.compare(before, map_check.receivers_of(mapping.json_data(found)))
        if changes:
            click.echo(map_check.render_diff(changes, committed), nl=False)
            click.echo(
                f"signallint: {len(changes)} receiver(s) differ from {committed}; if that is"
                f" intended, write the map again: signallint map --format json > {committed}",
                err=True,
            )
            sys.exit(EXIT_FOUND)
    if found.problems:
        sys.exit(EXIT_FOUND)


def _committed_map(path: str) -> map_check.Receivers:
    """The receivers of the map committed at ``path``; one line and exit 2 when it
    cannot be read or is not a map."""
    try:
        with open(path, encoding="utf-8") as file:
            return map_check.receivers_of(map_check.load(file.read()))
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        _fail(f"cannot read {path}: {reason[:1].lower()}{reason[1:]}")
        raise  # unreachable: _fail exits
    except map_check.NotAMap as error:
        _fail(f"{path}: {error}")
        raise  # unreachable: _fail exits


def _verify_run(
    path: str, settings: Settings, settings_name: str | None, python: str | None
) -> tuple[Any, Any]:
    """The static view of the project under ``path`` and its live registry; exits 2
    with one line when the project cannot be started."""
    from signallint import verify as verifying

    if not os.path.exists(path):
        _fail(f"{path}: no such file or directory")
    view = verifying.static_view(path, settings)
    try:
        module = verifying.settings_module(settings_name, os.environ, view)
        if not verifying.valid_settings_name(module):
            raise verifying.VerifyError(f"not a module name: {module!r}")
        interpreter = verifying.project_python(view.root, python)
        registry = verifying.run_probe(interpreter, view.root, module, view)
    except verifying.VerifyError as error:
        _fail(str(error))
        raise  # unreachable: _fail exits
    return view, registry


def _verified_map(
    path: str, settings: Settings, settings_name: str | None, python: str | None, fmt: str
) -> Any:
    from signallint import signal_map as mapping
    from signallint import verify as verifying

    view, registry = _verify_run(path, settings, settings_name, python)
    verdicts = verifying.compare(view, registry, os.getcwd())
    click.echo(mapping.render(view.signal_map, fmt, verdicts.states), nl=False)
    return view.signal_map


@main.command()
@click.argument("path", required=False, default=".", type=click.Path())
@click.option("--settings", "settings_name", metavar="MODULE", help="The settings module.")
@click.option(
    "--python",
    metavar="PATH",
    help="The interpreter with the project's dependencies (default: the project's .venv or"
    " venv, else this one).",
)
@click.option("--select", metavar="CODES", help="Comma-separated codes or prefixes to report.")
@click.option("--ignore", metavar="CODES", help="Comma-separated codes or prefixes to skip.")
@click.option(
    "--format",
    "--output-format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    help="How to print diagnostics (default: text).",
)
@click.option("--django-version", metavar="X.Y", help="Target Django version of the static map.")
@click.option("--config", type=click.Path(dir_okay=False), help="Read this pyproject.toml.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics are reported.")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, no summary.")
def verify(
    path: str,
    settings_name: str | None,
    python: str | None,
    select: str | None,
    ignore: str | None,
    output_format: str | None,
    django_version: str | None,
    config: str | None,
    exit_zero: bool,
    quiet: bool,
) -> None:
    """Start the project under PATH (this RUNS its settings and every AppConfig.ready(),
    in a subprocess) and compare each signal's live receivers with the static map
    (SIG501-SIG505). Settings: --settings, else DJANGO_SETTINGS_MODULE, else manage.py."""
    from signallint import verify as verifying
    from signallint.reporters import ReportContext, reporter

    settings = build_settings(
        config,
        path,
        select,
        None,
        ignore,
        django_version=django_version,
        output_format=output_format,
    )
    settings = replace(settings, cache_dir=None)  # verify writes nothing
    announce_target(settings, quiet)
    view, registry = _verify_run(path, settings, settings_name, python)
    verdicts = verifying.compare(view, registry, os.getcwd())
    diagnostics = sorted(
        verifying.selected(verdicts.diagnostics, settings), key=Diagnostic.sort_key
    )
    files = sorted({d.path for d in diagnostics})
    context = ReportContext(files, {}, os.getcwd(), False, False, False)
    output = reporter(settings.output_format)(diagnostics, context)
    if output:
        click.echo(output, nl=False)
    if not quiet:
        live = sum(1 for r in registry.receivers if not r.dead)
        version = catalogue.format_version(registry.django_version)
        count = len(diagnostics)
        found = f"Found {count} problem{'s' if count != 1 else ''}" if count else "No problems"
        click.echo(
            f"{found} ({len(registry.signals)} signals and {live} live receivers read"
            f" from Django {version}).",
            err=True,
        )
    if diagnostics and not exit_zero:
        sys.exit(EXIT_FOUND)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
