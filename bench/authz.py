"""P2: authorization decisions with 10,000 tenants' policies in the database.

Ours (one enforcer per domain, loaded on first use, decisions memoised) beside plain pycasbin
(one enforcer holding every rule), on the same policies, in one run:

    DATABASE_URL=… .venv/bin/python -m bench.authz [--tenants 10000] [--decisions 200000]

Without DATABASE_URL it runs on a throwaway SQLite file. The database is emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time

os.environ.setdefault("SUNSHINE_DATA_DIR", tempfile.mkdtemp(prefix="sunshine-bench-"))

from casbin import Enforcer

from core import data  # noqa: F401  - PICCOLO_CONF
from core.authz.authorizer import Authorizer
from core.authz.model import ROLE_PERMISSIONS, new_model, subject, tenant_domain
from core.authz.tables import CasbinRule
from core.data.engine import close_database, get_engine, open_database
from core.data.migrations import migrate
from core.settings import get_settings
from core.tenancy.tables import Tenant

STAFF_PER_TENANT = 4  # one management account, three staff
ACTIONS = [(obj, act) for perms in ROLE_PERMISSIONS.values() for obj, act in perms]


async def reset() -> None:
    engine = get_engine()
    if engine.engine_type == "postgres":
        await engine.run_ddl("DROP SCHEMA public CASCADE")
        await engine.run_ddl("CREATE SCHEMA public")
    await migrate()


async def seed(tenants: int) -> list[tuple[str, str]]:
    """Tenants with regions, four staff each, every hundredth tenant suspended (deny)."""
    rng = random.Random(7)
    regions = ["370100", "370200", "370300", "370600", "370700", "371000"]
    for start in range(0, tenants, 1000):
        await Tenant.insert(
            *(
                Tenant(
                    slug=f"bench-{i}",
                    name=f"分平台{i}",
                    kind="city",
                    region_code=rng.choice(regions),
                )
                for i in range(start, min(start + 1000, tenants))
            )
        )
    ids = await Tenant.select(Tenant.id).order_by(Tenant.id).output(as_list=True)
    rules, users = [], []
    account = 1_000_000
    for tenant_id in ids:
        dom = tenant_domain(tenant_id)
        for n in range(STAFF_PER_TENANT):
            account += 1
            role = "tenant_admin" if n == 0 else "tenant_staff"
            rules.append(CasbinRule(ptype="g", domain=dom, v0=subject(account), v1=role, v2=dom))
            users.append((subject(account), dom))
        if tenant_id % 100 == 0:
            for role in ("tenant_admin", "tenant_staff"):
                rules.append(
                    CasbinRule(ptype="p", domain=dom, v0=role, v1=dom, v2="*", v3="*", v4="deny")
                )
    for start in range(0, len(rules), 2000):
        await CasbinRule.insert(*rules[start : start + 2000])
    return users


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    q = statistics.quantiles(samples_ns, n=100)
    return q[49] / 1000, q[98] / 1000  # µs


async def main(tenants: int, decisions: int, plain_decisions: int) -> None:
    settings = get_settings()
    await open_database(settings.database)
    try:
        await reset()
        users = await seed(tenants)
        total_rules = await CasbinRule.count()
        rng = random.Random(11)
        requests = [(*rng.choice(users), *rng.choice(ACTIONS)) for _ in range(decisions)]

        authorizer = Authorizer(redis=None)
        started = time.perf_counter()
        for dom in {dom for _, dom in users}:  # load every domain once
            await authorizer.allowed("u:0", dom, "tenant", "read")
        load_s = time.perf_counter() - started
        for request in requests:  # first decision of each key: one enforce each
            await authorizer.allowed(*request)
        ours = []
        for request in requests:
            t0 = time.perf_counter_ns()
            await authorizer.allowed(*request)
            ours.append(time.perf_counter_ns() - t0)

        plain = Enforcer(new_model(), None)
        for ptype, rule in _all_rules(await CasbinRule.select()):
            plain.get_model().model[ptype[0]][ptype].policy.append(rule)
        plain.build_role_links()
        baseline = []
        for request in requests[:plain_decisions]:
            t0 = time.perf_counter_ns()
            plain.enforce(*request)
            baseline.append(time.perf_counter_ns() - t0)
        # Same answers, or the comparison means nothing.
        for request in requests[:plain_decisions]:
            assert plain.enforce(*request) == await authorizer.allowed(*request), request
    finally:
        await close_database()

    o50, o99 = percentiles(ours)
    b50, b99 = percentiles(baseline)
    print(
        f"engine={get_engine().engine_type} tenants={tenants} rules={total_rules} "
        f"decisions={decisions} (plain pycasbin: {plain_decisions})"
    )
    print(f"P2 load every domain once: {load_s:.1f} s ({load_s / tenants * 1000:.2f} ms a domain)")
    print(
        f"P2 decision p50: ours {o50:.2f} µs, plain pycasbin {b50:.0f} µs, ratio {b50 / o50:.0f}x"
    )
    print(
        f"P2 decision p99: ours {o99:.2f} µs (target ≤ 20), plain pycasbin {b99:.0f} µs, "
        f"ratio {b99 / o99:.0f}x: {'met' if o99 <= 20 else 'MISSED'}"
    )


def _all_rules(rows: list[dict[str, str]]) -> list[tuple[str, list[str]]]:
    out = []
    for row in rows:
        values = [row[f] for f in ("v0", "v1", "v2", "v3", "v4", "v5")]
        while values and values[-1] == "":
            values.pop()
        out.append((row["ptype"], values))
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=200_000)
    parser.add_argument("--plain-decisions", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.tenants, args.decisions, args.plain_decisions))
