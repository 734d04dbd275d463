"""Property tests: no crash on generated programs; well-formed, deterministic output.

Two generators: hypothesmith's programs from Python's grammar (anything goes), and a small
grammar of signal code of our own (imports with aliases, decorators, receiver signatures,
connect/send calls), which reaches far more of the analysis.
"""

from __future__ import annotations

import keyword
import string

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signallint import check_source
from signallint.settings import Settings

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

SIGNALS = ["post_save", "pre_save", "m2m_changed", "request_finished", "user_login_failed", "nope"]
MODULES = [
    "django.db.models.signals",
    "django.core.signals",
    "django.contrib.auth.signals",
    "django.dispatch",
    "myapp.signals",
]
identifiers = st.text(string.ascii_lowercase, min_size=1, max_size=8).filter(
    lambda name: not keyword.iskeyword(name) and not keyword.issoftkeyword(name)
)


@st.composite
def parameter_lists(draw: st.DrawFn, annotations: bool = True) -> str:
    names = draw(
        st.lists(
            identifiers | st.sampled_from(["sender", "instance", "created"]),
            max_size=5,
            unique=True,
        )
    )
    parts = []
    slash = draw(st.booleans()) and names
    for index, name in enumerate(names):
        default = "=None" if draw(st.booleans()) and index == len(names) - 1 else ""
        annotation = ": object" if annotations and draw(st.booleans()) else ""
        parts.append(f"{name}{annotation}{default}")
        if slash and index == 0:
            parts.append("/")
    if draw(st.booleans()):
        parts.append("*args")
    elif draw(st.booleans()) and parts:
        parts.append("*")
        parts.append(draw(identifiers) + "=1")
    if draw(st.booleans()):
        parts.append("**kwargs")
    trailing = "," if parts and draw(st.booleans()) and parts[-1] != "/" else ""
    return ", ".join(parts) + trailing


@st.composite
def signal_modules(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        module = draw(st.sampled_from(MODULES))
        name = draw(st.sampled_from([*SIGNALS, "receiver", "reciver", "Signal"]))
        alias = f" as {draw(identifiers)}" if draw(st.booleans()) else ""
        lines.append(f"from {module} import {name}{alias}")
    lines.append("import django.db.models.signals as s")
    lines.append("from django.dispatch import receiver, Signal")
    lines.append("custom = Signal()")
    for _ in range(draw(st.integers(1, 4))):
        signal = draw(st.sampled_from([*SIGNALS, "s.post_save", "custom", "[s.pre_save, custom]"]))
        name = draw(identifiers)
        params = draw(parameter_lists())
        keyword = draw(st.sampled_from(["", ", sender='shop.Order'", ", weak=False", ", model=1"]))
        style = draw(st.sampled_from(["decorator", "connect", "nested", "method", "lambda"]))
        prefix = "async " if draw(st.booleans()) else ""
        if style == "decorator":
            lines.append(f"@receiver({signal}{keyword})\n{prefix}def {name}({params}):\n    pass")
        elif style == "connect":
            lines.append(
                f"{prefix}def {name}({params}):\n    pass\n{signal}.connect({name}{keyword})"
            )
        elif style == "nested":
            lines.append(
                f"def outer_{name}():\n    def {name}({params}):\n        pass\n"
                f"    {signal}.connect({name}{keyword})"
            )
        elif style == "method":
            lines.append(
                f"class K_{name}:\n    def start(self):\n        {signal}.connect(self.{name})\n"
                f"    def {name}(self, {params}):\n        instance.save()"
            )
        else:
            lambda_params = draw(parameter_lists(annotations=False))
            lines.append(f"{signal}.connect(lambda {lambda_params}: None{keyword})")
        if draw(st.booleans()):
            sender = draw(st.sampled_from(["None", "None, 1", "sender=None"]))
            lines.append(f"custom.send({sender}, x=1)")
    return "\n".join(lines) + "\n"


def assert_well_formed(source: str) -> None:
    first = check_source(source, "fuzz.py")
    assert first == check_source(source, "fuzz.py"), "the same input must give the same output"
    line_count = max(source.count("\n"), 1)
    for diagnostic in first:
        assert 1 <= diagnostic.line <= line_count + 1, diagnostic
        assert diagnostic.col >= 0 and diagnostic.message and "\n" not in diagnostic.message


@FUZZ
@given(signal_modules())
def test_generated_signal_code(source: str) -> None:
    assert_well_formed(source)
    for version in ((4, 2), (6, 1)):
        check_source(source, "fuzz.py", Settings(django_version=version))


@FUZZ
@given(hypothesmith.from_grammar())
def test_generated_python_programs(source: str) -> None:
    assert_well_formed("from django.dispatch import receiver\n" + source)
