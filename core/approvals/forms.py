"""A review form's deficiencies: one field per checklist item, ``problem.<item>``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from core.approvals.service import Deficiency
from core.errors import DomainError

PROBLEM = "problem."


def deficiencies_from(form: Mapping[str, object], items: Iterable[str]) -> list[Deficiency]:
    """Every item the reviewer wrote a problem against, in the checklist's order (一次性告知);
    a problem longer than a deficiency holds is refused, not cut."""
    found = []
    for item in items:
        problem = form.get(PROBLEM + item)
        if isinstance(problem, str) and problem.strip():
            found.append({"item": item, "problem": problem.strip()})
    try:
        return msgspec.convert(found, list[Deficiency])
    except msgspec.ValidationError:
        raise DomainError(
            "每项问题不超过 500 字 / a problem is at most 500 characters",
            detail={"field": "deficiencies"},
        ) from None
