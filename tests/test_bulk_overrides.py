"""Which bulk methods a project's QuerySet and Manager classes override (SIG308 leaves
them alone): signallint/bulk_writes.py ``scan_bulk_overrides``."""

from __future__ import annotations

import textwrap

import pytest

from signallint.bulk_writes import scan_bulk_overrides


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            """
            class ChangeQuerySet(models.QuerySet):
                def bulk_create(self, objs, **kwargs):
                    return super().bulk_create(objs, **kwargs)

                def update(self, **kwargs):
                    return super().update(**kwargs)
            """,
            ("bulk_create", "update"),
        ),
        (
            """
            class AnnotationManager(Manager):
                # a comment at the class's indentation does not end it

                async def bulk_update(self, objs, fields):
                    pass
            """,
            ("bulk_update",),
        ),
        # Not a QuerySet or Manager: a serializer's update() is not a bulk write.
        (
            """
            class OrderSerializer(serializers.ModelSerializer):
                def update(self, instance, validated_data):
                    return instance
            """,
            (),
        ),
        # A def after the class ended belongs to no manager.
        (
            """
            class OrderQuerySet(models.QuerySet):
                pass


            def update(rows):
                pass
            """,
            (),
        ),
        # Other methods of a manager.
        ("class M(models.Manager):\n    def update_or_create(self):\n        pass\n", ()),
    ],
)
def test_overridden_bulk_methods(code: str, expected: tuple[str, ...]) -> None:
    assert scan_bulk_overrides(textwrap.dedent(code).encode()) == expected
