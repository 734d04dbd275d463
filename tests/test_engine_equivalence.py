"""Speed must not change results: the prefilter, worker processes and the cache are
invisible in the output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest

from signallint import engine, pipeline, scheduling, sources, workers
from signallint.prefilter import Prefilter
from signallint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


class NoPrefilter(Prefilter):
    def first_pass(self, data: bytes) -> bool:
        return True


def outputs(paths: list[str], settings: Settings) -> list[tuple[str, int, int, str, str]]:
    return [
        (d.path, d.line, d.col, d.code, d.message)
        for d in engine.check_paths(paths, settings).diagnostics
    ]


def django_tree() -> str:
    django = pytest.importorskip("django")
    return str(Path(django.__file__).parent)


@pytest.mark.parametrize(
    "tree",
    [
        pytest.param(str(FIXTURES / "rules"), id="rule-fixtures"),
        pytest.param(str(FIXTURES / "projects"), id="project-fixtures"),
        pytest.param(str(ROOT / "examples"), id="example-project"),
        pytest.param("django", id="django-source"),
    ],
)
def test_prefilter_changes_nothing(tree: str, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [django_tree() if tree == "django" else tree]
    settings = Settings(jobs=1)
    filtered = outputs(paths, settings)
    monkeypatch.setattr(pipeline, "prefilter_for", lambda settings: NoPrefilter())
    assert outputs(paths, settings) == filtered


SECOND_ROUND_PROJECT = {
    "pyproject.toml": "",
    # A ModelSignal: the text-only guess of what the project defines misses it, so the
    # file that sends it is found by the second pass proper.
    "shop/__init__.py": "",
    "shop/events.py": (
        "from django.db.models.signals import ModelSignal\norder_paid = ModelSignal()\n"
    ),
    "shop/orders.py": "from shop.events import order_paid\n\norder_paid.send(None, total=1)\n",
    # Looks like a signal definition, is not Django's: the guess parses its sender, and
    # the second pass proper puts it back to unparsed.
    "shop/lookalike.py": (
        "from django.dispatch import receiver\n\n\nclass Signal:\n    pass\n\n\nticket = Signal()\n"
    ),
    "shop/use.py": "from shop.lookalike import ticket\n\nticket.send(None)\n",
    # Looks like an ``m2m_changed`` sender, is not: the guess parses the model, and the
    # second pass proper puts it back.
    "shop/m2m_lookalike.py": (
        "from django.dispatch import receiver\n\n\ndef m2m_changed(**kwargs):\n    pass\n\n\n"
        "m2m_changed(sender=Topping)\n"
    ),
    "shop/models.py": (
        "from django.db import models\n\n\nclass Topping(models.Model):\n"
        '    pizzas = models.ManyToManyField("Pizza")\n'
    ),
    "shop/receivers.py": (
        "from django.dispatch import receiver\nfrom shop.events import order_paid\n\n\n"
        "@receiver(order_paid)\ndef on_paid(sender, total):\n    pass\n"
    ),
}


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_second_round_parses_exactly_what_the_first_defines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    for name, text in SECOND_ROUND_PROJECT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(scheduling, "PARALLEL_THRESHOLD_BYTES", 0)
    calls: list[tuple[str, bool]] = []
    analyse_item = pipeline.analyse_item

    def recording(item: pipeline.Item, parse: bool) -> pipeline.Analysis:
        calls.append((Path(item.path).name, parse))
        return analyse_item(item, parse)

    monkeypatch.setattr(pipeline, "analyse_item", recording)
    settings = Settings(jobs=jobs, cache_dir=str(tmp_path / "cache"))
    result = engine.check_paths([str(tmp_path / "shop")], settings)
    parsed = {Path(a.facts.path).name for a in result.analyses if a.text is not None}
    assert {"orders.py", "events.py", "receivers.py"} <= parsed
    assert "use.py" not in parsed and "models.py" not in parsed
    if jobs == 1:  # in this process: what was parsed on a guess, and put back
        for name in ("use.py", "models.py"):
            assert (name, True) in calls and (name, False) in calls
    warm = engine.check_paths([str(tmp_path / "shop")], settings)
    assert warm.diagnostics == result.diagnostics
    assert [a.facts for a in warm.analyses] == [a.facts for a in result.analyses]
    monkeypatch.setattr(pipeline, "prefilter_for", lambda settings: NoPrefilter())
    assert engine.check_paths([str(tmp_path / "shop")], Settings(jobs=1)).diagnostics == (
        result.diagnostics
    )


@pytest.mark.parametrize("early", [False, True], ids=["late-start", "early-start"])
def test_worker_processes_change_nothing(monkeypatch: pytest.MonkeyPatch, early: bool) -> None:
    paths = [str(FIXTURES / "rules"), str(ROOT / "examples")]
    single = outputs(paths, Settings(jobs=1))
    monkeypatch.setattr(scheduling, "PARALLEL_THRESHOLD_BYTES", 0)
    if early:
        monkeypatch.setattr(scheduling, "EARLY_START_BYTES", 0)
    assert outputs(paths, Settings(jobs=2)) == single
    assert single  # the fixtures do report


def test_spawned_workers_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where processes cannot fork, workers are fresh interpreters sent the bytes."""
    paths = [str(FIXTURES / "rules")]
    single = outputs(paths, Settings(jobs=1))
    monkeypatch.setattr(scheduling, "PARALLEL_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(scheduling, "fork_is_safe", lambda: False)
    assert outputs(paths, Settings(jobs=2)) == single


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
@pytest.mark.parametrize("failure", ["worker dies", "batch raises"])
def test_work_a_worker_cannot_do_is_done_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """A worker that dies, or a batch that raises in a worker, is analysed by the main
    process; the run's output does not change and no worker outlives it."""
    paths = [str(FIXTURES / "rules"), str(ROOT / "examples")]
    single = outputs(paths, Settings(jobs=1))
    monkeypatch.setattr(scheduling, "PARALLEL_THRESHOLD_BYTES", 0)
    main = os.getpid()
    pids = tmp_path / "pids"
    analyse_item = pipeline.analyse_item

    def failing(item: pipeline.Item, parse: bool) -> pipeline.Analysis:
        if os.getpid() != main:
            with pids.open("a") as file:
                file.write(f"{os.getpid()}\n")
            if parse and item.path.endswith("SIG001_receiver_missing_kwargs.py"):
                if failure == "worker dies":
                    os._exit(3)
                raise RuntimeError("a bug in a worker")
        return analyse_item(item, parse)

    monkeypatch.setattr(pipeline, "analyse_item", failing)
    assert outputs(paths, Settings(jobs=2)) == single
    worker_pids = {int(pid) for pid in pids.read_text().split()}
    assert len(worker_pids) == 2, "both workers took tasks"
    # A worker whose parent died is not waited for: it leaves once the run closes its
    # connection, a moment later.
    deadline = time.monotonic() + 10
    while [pid for pid in worker_pids if running(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in worker_pids if running(pid)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
def test_files_are_scanned_here_while_the_workers_import(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(FIXTURES / "projects"), str(ROOT / "examples")]
    single = outputs(paths, Settings(jobs=1))
    monkeypatch.setattr(scheduling, "PARALLEL_THRESHOLD_BYTES", 0)
    prepare = workers._prepare_worker
    monkeypatch.setattr(workers, "_prepare_worker", lambda: (time.sleep(1), prepare()))
    main = os.getpid()
    here: list[list[bool]] = []
    run_batch = workers.run_batch

    def recording(batch: workers.Batch) -> list[pipeline.Analysis]:
        if os.getpid() == main:
            here.append([parse for _, parse in batch])
        return run_batch(batch)

    monkeypatch.setattr(scheduling, "run_batch", recording)  # what this process does
    assert outputs(paths, Settings(jobs=2)) == single
    assert here, "the main process scanned while the workers were slow to start"
    assert not any(any(batch) for batch in here), "and parsed nothing"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
def test_files_only_screened_are_never_sent_to_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a project root an unparsed file is only screened, which costs less than
    sending its facts back: the main process does it while the workers parse."""
    shutil.copytree(FIXTURES / "rules", tmp_path / "rules")
    for number in range(100):
        (tmp_path / "rules" / f"plain_{number}.py").write_text("import os\n\nX = 1\n")
    paths = [str(tmp_path / "rules")]
    single = outputs(paths, Settings(jobs=1))
    monkeypatch.setattr(scheduling, "PARALLEL_THRESHOLD_BYTES", 0)
    main = os.getpid()
    batches = tmp_path / "batches"
    run_batch = workers.run_batch

    def recording(batch: workers.Batch) -> list[pipeline.Analysis]:
        with batches.open("a") as file:
            file.write(f"{os.getpid() == main} {' '.join(str(p) for _, p in batch)}\n")
        return run_batch(batch)

    monkeypatch.setattr(scheduling, "run_batch", recording)  # here
    monkeypatch.setattr(workers, "run_batch", recording)  # in the workers
    # Not even while the workers start: a costly scan would then be done here too.
    monkeypatch.setattr(workers.ForkedWorkers, "warm", property(lambda self: True))
    assert outputs(paths, Settings(jobs=2)) == single
    done = [line.split() for line in batches.read_text().splitlines()]
    in_workers = [flags for here, *flags in done if here == "False"]
    here = [flags for here, *flags in done if here == "True"]
    assert in_workers and all(flags == ["True"] for flags in in_workers), "workers parse"
    assert here and all(set(flags) == {"False"} for flags in here), "this process screens"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
def test_files_are_parsed_while_the_others_are_screened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers started early, a file is sent to them as soon as it passes the
    prefilter, not once every file has been screened."""
    shutil.copytree(FIXTURES / "rules", tmp_path / "rules")
    paths = [str(tmp_path / "rules")]  # no project root: these files only
    single = outputs(paths, Settings(jobs=2))
    monkeypatch.setattr(scheduling, "EARLY_START_BYTES", 0)
    main = os.getpid()
    parsed = tmp_path / "parsed"
    screened: list[float] = []
    first_pass, run_batch = Prefilter.first_pass, workers.run_batch

    def slow_first_pass(self: Prefilter, data: bytes) -> bool:
        time.sleep(0.05)
        screened.append(time.monotonic())
        return first_pass(self, data)

    def recording(batch: workers.Batch) -> list[pipeline.Analysis]:
        if os.getpid() != main and any(parse for _, parse in batch):
            with parsed.open("a") as file:
                file.write(f"{time.monotonic()}\n")
        return run_batch(batch)

    monkeypatch.setattr(Prefilter, "first_pass", slow_first_pass)
    monkeypatch.setattr(workers, "run_batch", recording)  # what the workers do
    assert outputs(paths, Settings(jobs=2)) == single
    assert len(screened) >= 20, "screening takes a second or more"
    first_parse = min(float(line) for line in parsed.read_text().split())
    assert first_parse < screened[-1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
def test_workers_start_while_the_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the files read hold enough bytes, the workers start (and import LibCST)
    while the rest are read; they are sent the bytes of files they did not inherit."""
    shutil.copytree(FIXTURES / "rules", tmp_path / "rules")
    paths = [str(tmp_path / "rules")]
    single = outputs(paths, Settings(jobs=1))
    read: list[str] = []
    forked_after: list[int] = []
    original_read, original_init = engine.read_item, workers.ForkedWorkers.__init__

    def reading(path: str, problem: object, project: bool) -> pipeline.Item:
        read.append(path)
        return original_read(path, problem, project)  # type: ignore[arg-type]

    def forking(self: workers.ForkedWorkers, jobs: int, shared: object = ()) -> None:
        forked_after.append(len(read))
        original_init(self, jobs, shared)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "read_item", reading)
    monkeypatch.setattr(workers.ForkedWorkers, "__init__", forking)
    monkeypatch.setattr(scheduling, "EARLY_START_BYTES", 3000)
    assert outputs(paths, Settings(jobs=2)) == single
    assert len(forked_after) == 1 and 0 < forked_after[0] < len(read)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
def test_a_cache_that_holds_facts_starts_no_worker_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES / "rules", tmp_path / "rules")
    paths, cache = [str(tmp_path / "rules")], str(tmp_path / "cache")
    monkeypatch.setattr(scheduling, "EARLY_START_BYTES", 1)
    cold = outputs(paths, Settings(jobs=2, cache_dir=cache))
    forks: list[int] = []
    original_init = workers.ForkedWorkers.__init__

    def forking(self: workers.ForkedWorkers, jobs: int, shared: object = ()) -> None:
        forks.append(jobs)
        original_init(self, jobs, shared)  # type: ignore[arg-type]

    monkeypatch.setattr(workers.ForkedWorkers, "__init__", forking)
    assert outputs(paths, Settings(jobs=2, cache_dir=cache)) == cold
    assert forks == [], "a warm run parses nothing, and starts nothing"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
def test_workers_started_early_for_nothing_are_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers started while reading, when no file turns out worth parsing, are stopped
    without waiting for them to import LibCST."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in range(5):
        (tree / f"plain_{number}.py").write_text("X = 1\n" * 100)
    monkeypatch.setattr(scheduling, "EARLY_START_BYTES", 1)
    monkeypatch.setattr(workers, "_prepare_worker", lambda: time.sleep(30))
    pids: list[int] = []
    original_init = workers.ForkedWorkers.__init__

    def forking(self: workers.ForkedWorkers, jobs: int, shared: object = ()) -> None:
        original_init(self, jobs, shared)  # type: ignore[arg-type]
        pids.append(self._pid)

    monkeypatch.setattr(workers.ForkedWorkers, "__init__", forking)
    started = time.monotonic()
    assert outputs([str(tree)], Settings(jobs=2)) == []
    assert time.monotonic() - started < 10
    assert len(pids) == 1 and not running(pids[0])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
def test_no_process_to_spare_means_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(FIXTURES / "rules")]
    single = outputs(paths, Settings(jobs=1))
    monkeypatch.setattr(scheduling, "PARALLEL_THRESHOLD_BYTES", 0)

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert outputs(paths, Settings(jobs=2)) == single


def running(pid: int) -> bool:
    """Whether a process runs (a zombie, dead and not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_cache_cold_warm_and_corrupt_give_the_same_output(tmp_path: Path) -> None:
    paths = [str(FIXTURES / "rules"), str(ROOT / "examples")]
    cache = tmp_path / "cache"
    uncached = outputs(paths, Settings(jobs=1))
    cold = outputs(paths, Settings(jobs=1, cache_dir=str(cache)))
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries, "the cold run fills the cache"
    assert outputs(paths, Settings(jobs=1, cache_dir=str(cache))) == cold
    # Truncated, garbage, valid data of the wrong type, entries of the wrong type: all
    # ignored, and the cache is rebuilt (tests/test_cache_safety.py tries much more).
    for content in [
        b"",
        b"\x80garbage",
        msgspec.msgpack.encode("x"),
        msgspec.msgpack.encode({"a": 1}),
    ]:
        for entry in entries:
            entry.write_bytes(content)
        assert outputs(paths, Settings(jobs=1, cache_dir=str(cache))) == uncached
        assert all(entry.read_bytes() != content for entry in entries)
    assert uncached == cold


@pytest.mark.skipif(not hasattr(os, "fork"), reason="written by a forked process")
def test_the_cache_is_written_while_the_rules_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked process writes the cache while the rules run; the run waits for it."""
    from signallint.cache import FactsCache

    paths, cache = [str(FIXTURES / "rules")], tmp_path / "cache"
    log = tmp_path / "log"
    write, run_rules = FactsCache._write, engine.run_rules

    def slow_write(self: FactsCache) -> None:
        time.sleep(0.5)
        write(self)
        with log.open("a") as file:
            file.write(f"written {os.getpid()} {time.monotonic()}\n")

    def logged_rules(*args: object, **kwargs: object) -> object:
        found = run_rules(*args, **kwargs)  # type: ignore[arg-type]
        with log.open("a") as file:
            file.write(f"rules {os.getpid()} {time.monotonic()}\n")
        return found

    monkeypatch.setattr(FactsCache, "_write", slow_write)
    monkeypatch.setattr(engine, "run_rules", logged_rules)
    outputs(paths, Settings(jobs=1, cache_dir=str(cache)))
    events = {line.split()[0]: line.split()[1:] for line in log.read_text().splitlines()}
    assert int(events["written"][0]) != os.getpid()
    assert float(events["rules"][1]) < float(events["written"][1])
    assert list(cache.rglob("*.msgpack")), "written before the run returned"


def test_a_process_with_threads_forks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forking a process that runs several threads may copy a lock one of them holds."""
    import threading

    from signallint.cache import FactsCache

    writers: list[int] = []
    write = FactsCache._write

    def recording(self: FactsCache) -> None:
        writers.append(os.getpid())
        write(self)

    monkeypatch.setattr(FactsCache, "_write", recording)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        outputs([str(FIXTURES / "rules")], Settings(jobs=1, cache_dir=str(tmp_path)))
        assert not scheduling.fork_is_safe(), "nor are workers forked: they are spawned"
    finally:
        release.set()
        other.join()
    assert writers == [os.getpid()]


def test_the_cache_forgets_files_that_are_gone(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "shop", tmp_path / "shop")
    settings = Settings(jobs=1, cache_dir=str(tmp_path / "cache"))
    engine.check_paths([str(tmp_path / "shop")], settings)
    [cache_file] = (tmp_path / "cache").glob("*.msgpack")
    gone = tmp_path / "shop" / "orders" / "signals.py"
    assert str(gone) in msgspec.msgpack.decode(cache_file.read_bytes())
    gone.unlink()
    engine.check_paths([str(tmp_path / "shop")], settings)
    assert str(gone) not in msgspec.msgpack.decode(cache_file.read_bytes())


def test_a_warm_run_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples" / "shop", tmp_path / "shop")
    settings = Settings(jobs=1, cache_dir=str(tmp_path / "cache"))
    engine.check_paths([str(tmp_path / "shop")], settings)
    parsed: list[str] = []
    real_parse = sources.parse

    def counting_parse(text: str, *, checked: bool = False) -> object:
        parsed.append(text)
        return real_parse(text, checked=checked)

    monkeypatch.setattr(sources, "parse", counting_parse)
    engine.check_paths([str(tmp_path / "shop")], settings)
    assert parsed == []
    (tmp_path / "shop" / "orders" / "signals.py").write_text(
        (tmp_path / "shop" / "orders" / "signals.py").read_text() + "\n# changed\n"
    )
    engine.check_paths([str(tmp_path / "shop")], settings)
    assert len(parsed) == 1


def test_the_import_graph_is_read_only_with_a_project_root(tmp_path: Path) -> None:
    """Which modules Django imports is asked only of a project with a root: without one,
    an unparsed module's imports are not read (most of the cost of a file not parsed),
    and nothing that asks for them may believe them complete."""
    shutil.copytree(FIXTURES / "projects" / "never_imported", tmp_path / "site")
    site = tmp_path / "site"
    (site / "manage.py").unlink()
    models = str(site / "shop" / "models.py")

    def wiring_of_models(root: bool) -> object:
        result = engine.check_paths([str(site)], Settings(jobs=1))
        assert (result.root is not None) is root
        [analysis] = [a for a in result.analyses if a.facts.path == models]
        assert analysis.text is None, "the module is scanned, not parsed"
        return analysis.facts.wiring

    lean = wiring_of_models(root=False)
    assert lean.import_graph is False and lean.imports == ()
    (site / "manage.py").write_text("")
    full = wiring_of_models(root=True)
    assert full.import_graph is True and full.imports


def test_a_root_found_after_a_cached_run_gets_the_import_graph(tmp_path: Path) -> None:
    """The cache keeps facts read without the import graph apart from the others."""
    shutil.copytree(FIXTURES / "projects" / "never_imported", tmp_path / "site")
    site, cache = tmp_path / "site", str(tmp_path / "cache")
    expected = outputs([str(site)], Settings(jobs=1))
    assert any(code == "SIG301" for _, _, _, code, _ in expected)
    launcher = (site / "manage.py").read_bytes()
    (site / "manage.py").unlink()
    assert outputs([str(site)], Settings(jobs=1, cache_dir=cache)) == []
    (site / "manage.py").write_bytes(launcher)
    assert outputs([str(site)], Settings(jobs=1, cache_dir=cache)) == expected


def test_cache_entries_are_written_atomically(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    engine.check_paths([str(ROOT / "examples")], Settings(jobs=1, cache_dir=str(cache)))
    leftovers = [p for p in cache.rglob(".tmp-*")]
    assert leftovers == []
    assert all(os.path.getsize(p) > 0 for p in cache.rglob("*") if p.is_file())


def test_file_order_changes_nothing() -> None:
    files = sorted(str(p) for p in (FIXTURES / "rules").glob("*.py"))
    forward = outputs(files, Settings(jobs=1))
    assert outputs(list(reversed(files)), Settings(jobs=1)) == forward
    assert forward


def test_the_command_and_the_api_agree_on_every_fixture() -> None:
    import json
    import subprocess
    import sys

    paths = [str(FIXTURES / "rules"), str(ROOT / "examples")]
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "--no-cache", "--format", "json", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    from_command = [
        (d["path"], d["line"], d["column"] - 1, d["code"], d["message"])
        for d in json.loads(result.stdout)
    ]
    assert from_command == outputs(paths, Settings())


def test_a_worker_is_ready_to_parse_before_its_first_task() -> None:
    """What the first parse needs is imported and warmed before the first worker forks
    the others, so that none of them pays for it again."""
    code = (
        "import sys\n"
        "from signallint import walk, workers\n"
        "workers._prepare_worker()\n"
        "needed = ('libcst', 'signallint.collect', 'signallint.slicing', 'signallint.project')\n"
        "print(all(name in sys.modules for name in needed), len(walk._CACHE) > 20)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["True", "True"]


def test_workers_whose_answers_and_batches_are_large_do_not_deadlock(tmp_path: Path) -> None:
    # A project whose modules hold many imports and dotted strings: a worker's answer
    # for one batch (its scan facts) is larger than a socket's buffer, and so are the
    # batches sent as files' bytes for the project's other files. A worker blocked
    # sending its answer while this process blocked sending it the next batch hung
    # the run for ever (nautobot's tree did); the run must finish, as with -j 1.
    package = tmp_path / "app"
    package.mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    (package / "__init__.py").write_text("")
    for index in range(200):
        lines = [f"from app.mod{(index + j) % 200} import name{j}  # noqa" for j in range(250)]
        lines += [f'LABEL{j} = "app.mod{j}.Thing{j}"' for j in range(250)]
        (package / f"mod{index}.py").write_text("\n".join(lines) + "\n")
    command = [sys.executable, "-m", "signallint", "--no-cache", "-q", "--exit-zero"]
    for jobs in ("1", "2"):
        result = subprocess.run(
            [*command, "-j", jobs, "--project-root", str(tmp_path), str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
