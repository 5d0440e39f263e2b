"""A review form's deficiencies: one field per checklist item, ``problem.<item>``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.approvals.service import Deficiency

PROBLEM = "problem."


def deficiencies_from(form: Mapping[str, object], items: Iterable[str]) -> list[Deficiency]:
    """Every item the reviewer wrote a problem against, in the checklist's order (一次性告知)."""
    found = []
    for item in items:
        problem = form.get(PROBLEM + item)
        if isinstance(problem, str) and problem.strip():
            found.append(Deficiency(item=item, problem=problem.strip()))
    return found
