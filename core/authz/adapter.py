"""A pycasbin async adapter over Piccolo (none exists on PyPI).

Writes run through Piccolo, so inside ``write_transaction()`` a policy change commits with the
rest of the change and its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from casbin.model import Model
from casbin.persist.adapters.asyncio import (
    AsyncAdapter,
    AsyncBatchAdapter,
    AsyncFilteredAdapter,
)

from core.authz.tables import CasbinRule

FIELDS = ("v0", "v1", "v2", "v3", "v4", "v5")
# Where each policy type keeps its domain: p = sub, dom, obj, act, eft; g = user, role, dom.
DOMAIN_FIELD = {"p": 1, "g": 2}


@dataclass(frozen=True)
class DomainFilter:
    """Load the rules of ``domain`` and of the ``shared`` domains (the role catalogue), plus
    the role grants of ``inherited`` domains (the regions the tenant lies in), loaded as if
    granted in ``domain`` itself."""

    domain: str
    shared: tuple[str, ...] = ()
    inherited: tuple[str, ...] = ()


def _row(ptype: str, rule: Sequence[str]) -> CasbinRule:
    values = dict(zip(FIELDS, rule, strict=False))
    return CasbinRule(ptype=ptype, domain=rule[DOMAIN_FIELD[ptype[0]]], **values)


def _rule(row: dict[str, str]) -> list[str]:
    values = [row[f] for f in FIELDS]
    while values and values[-1] == "":
        values.pop()
    return values


def _add_to_model(model: Model, ptype: str, rule: list[str]) -> None:
    sec = ptype[0]
    if sec in model.model and ptype in model.model[sec]:
        # Append like pycasbin's own loaders: Model.add_policy checks duplicates linearly.
        model.model[sec][ptype].policy.append(rule)


class PiccoloAdapter(AsyncAdapter, AsyncFilteredAdapter, AsyncBatchAdapter):
    def __init__(self) -> None:
        self._filtered = False

    async def is_filtered(self) -> bool:
        return self._filtered

    async def load_policy(self, model: Model) -> None:
        for row in await CasbinRule.select().order_by(CasbinRule.id):
            _add_to_model(model, row["ptype"], _rule(row))
        self._filtered = False

    async def load_filtered_policy(self, model: Model, filter: DomainFilter) -> None:
        condition = CasbinRule.domain.is_in([filter.domain, *filter.shared])
        if filter.inherited:
            grants = (CasbinRule.ptype == "g") & CasbinRule.domain.is_in(list(filter.inherited))
            condition = condition | grants
        for row in await CasbinRule.select().where(condition).order_by(CasbinRule.id):
            rule = _rule(row)
            if row["domain"] in filter.inherited:
                rule[DOMAIN_FIELD["g"]] = filter.domain
            _add_to_model(model, row["ptype"], rule)
        self._filtered = True

    async def save_policy(self, model: Model) -> bool:
        rows = [
            _row(ptype, rule)
            for sec in ("p", "g")
            for ptype, assertion in model.model.get(sec, {}).items()
            for rule in assertion.policy
        ]
        await CasbinRule.delete(force=True)
        if rows:
            await CasbinRule.insert(*rows)
        return True

    async def add_policy(self, sec: str, ptype: str, rule: Sequence[str]) -> None:
        await CasbinRule.insert(_row(ptype, rule))

    async def add_policies(self, sec: str, ptype: str, rules: Iterable[Sequence[str]]) -> None:
        rows = [_row(ptype, rule) for rule in rules]
        if rows:
            await CasbinRule.insert(*rows)

    async def remove_policy(self, sec: str, ptype: str, rule: Sequence[str]) -> bool:
        await self.remove_filtered_policy(sec, ptype, 0, *rule)
        return True

    async def remove_policies(self, sec: str, ptype: str, rules: Iterable[Sequence[str]]) -> None:
        for rule in rules:
            await self.remove_policy(sec, ptype, rule)

    async def remove_filtered_policy(
        self, sec: str, ptype: str, field_index: int, *field_values: str
    ) -> bool:
        query = CasbinRule.delete().where(CasbinRule.ptype == ptype)
        for offset, value in enumerate(field_values):
            if value:
                query = query.where(getattr(CasbinRule, FIELDS[field_index + offset]) == value)
        await query
        return True
