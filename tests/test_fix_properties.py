"""Property: adding **kwargs to any receiver signature yields code that parses, that
signallint then accepts for SIG001, and that differs from the original by one insertion."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signallint import check_source
from signallint.fixer import fix_source
from signallint.settings import Settings

SIG001_ONLY = Settings(select=("SIG001",))
HEAD = (
    "from django.db.models.signals import post_save\n"
    "from django.dispatch import receiver\n\n\n"
    "@receiver(post_save)\n"
)

annotations = st.sampled_from(["", ": int", ": 'Model'", ": dict[str, int]"])
defaults = st.sampled_from(["=None", "=(1)", "={'a': (1, 2)}", "=lambda: 0"])


@st.composite
def signatures(draw: st.DrawFn) -> list[str]:
    """Parameter texts in order: positional-only, `/`, others, `*args` or `*`, keyword-only."""
    names = iter(f"p{i}" for i in range(100))

    def param(default: bool) -> str:
        text = next(names) + draw(annotations)
        if default:
            text += draw(defaults).replace("=", " = ", 1) if ":" in text else draw(defaults)
        return text

    positional_only = draw(st.integers(0, 2))
    regular = draw(st.integers(0, 3))
    first_default = draw(st.integers(0, positional_only + regular))
    params = [param(i >= first_default) for i in range(positional_only + regular)]
    if positional_only:
        params.insert(positional_only, "/")
    keyword_only = [param(draw(st.booleans())) for _ in range(draw(st.integers(0, 2)))]
    star = draw(st.sampled_from(["", "*args", "*args: object"]))
    if star or keyword_only:
        params.append(star or "*")
        params += keyword_only
    return params


@st.composite
def receivers(draw: st.DrawFn) -> str:
    params = draw(signatures())
    if not params or not draw(st.booleans()):
        return f"def on_save({', '.join(params)}):\n    pass\n"
    lines = []
    for index, param in enumerate(params):
        last = index == len(params) - 1
        comma = "," if not last or draw(st.booleans()) else ""
        comment = "  # note" if comma and draw(st.booleans()) else ""
        lines.append(f"    {param}{comma}{comment}\n")
    body = "".join(lines)
    if "#" not in lines[-1] and draw(st.booleans()):
        body = body.rstrip("\n")  # the closing parenthesis on the last parameter's line
    return f"def on_save(\n{body}) -> None:\n    pass\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(receivers())
def test_adding_kwargs_always_gives_accepted_code(receiver: str) -> None:
    source = HEAD + receiver
    compile(source, "example.py", "exec")  # the generator makes valid code
    assert [d.code for d in check_source(source, "example.py", SIG001_ONLY)] == ["SIG001"]

    result = fix_source(source, "example.py", SIG001_ONLY)
    [file_fix] = result.files
    after = file_fix.text
    compile(after, "example.py", "exec")
    assert check_source(after, "example.py", SIG001_ONLY) == []

    # One insertion, of the new parameter and its separator.
    grown = len(after) - len(source)
    prefix = next(
        (i for i, (a, b) in enumerate(zip(source, after, strict=False)) if a != b), len(source)
    )
    assert after[prefix + grown :] == source[prefix:]
    inserted = after[prefix : prefix + grown]
    assert re.fullmatch(r"[\s,]*\*\*kwargs(: object)?[\s,]*", inserted), inserted
