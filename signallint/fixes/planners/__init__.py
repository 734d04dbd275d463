"""One planner per fix action type, each registered with
:func:`signallint.fixes.planning.planner` (see ``PLANNER_MODULES`` there)."""
