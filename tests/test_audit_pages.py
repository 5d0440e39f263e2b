"""The audit administrator's pages: browse and filter in words, verify, export (itself logged)."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from litestar import Litestar

from core.approvals.service import TYPES, Decision
from core.audit.chain import Actor, record
from core.audit.labels import GROUPS, WORDS, action_label, object_label, word_label
from core.audit.tables import AuditEntry
from core.authz.policies import grant_role
from core.data.engine import write_transaction
from core.identity.tables import AccountKind
from core.libraries.exports import DATASETS
from core.libraries.subjects.tables import CreditKind, SubjectKind
from core.spreadsheets import inert
from core.workdays.tables import DayKind
from tenants.branding import ImageKind
from tenants.tables import PenaltyKind
from tests.conftest import new_account
from tests.tenants.helpers import hq_people, main_client_as
from themes.i18n import BEIJING, MESSAGES

ROOT = Path(__file__).resolve().parents[1]


def recorded_actions() -> set[str]:
    """Every action the code writes: the string literals given as ``action=`` to ``record`` or
    to the audit helpers, with f-string placeholders kept as ``{}``."""
    found: set[str] = set()
    for path in [
        *ROOT.glob("core/**/*.py"),
        *ROOT.glob("tenants/**/*.py"),
        *ROOT.glob("plugins/**/*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            values = [k.value for k in node.keywords if k.arg == "action"]
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("audit", "_audit", "_record_own"):  # the action is a literal there
                values += [a for a in node.args if isinstance(a, ast.Constant)]
            for value in values:
                for part in ast.walk(value):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        if re.fullmatch(r"[a-z_]+(\.[a-z_]*)+", part.value):
                            found.add(part.value)
                    elif isinstance(part, ast.JoinedStr):
                        found.add(
                            "".join(
                                p.value if isinstance(p, ast.Constant) else "{}"
                                for p in part.values
                            )
                        )
    return found


def test_every_word_of_every_recorded_action_has_a_name() -> None:
    actions = recorded_actions()
    assert {"auth.login", "tenant.reinstate", "approval.{}.{}"} <= actions, sorted(actions)
    # What the placeholders take: approval types and decisions, penalty, credit, subject and
    # image kinds, and the datasets of downloads.
    values = {
        *TYPES, *(d.value for d in Decision), "submit", "resubmit", *PenaltyKind, *CreditKind,
        *SubjectKind, *ImageKind, *DayKind, *DATASETS, "set", "removed",
    }  # fmt: skip
    words = {w for a in actions for w in a.split(".") if w and w != "{}"} | set(values)
    unnamed = sorted(w for w in words if word_label(w, "zh-CN") is None)
    assert unnamed == [], (
        f"name these words in core/audit/labels.py WORDS or a label group: {unnamed}"
    )
    assert action_label("approval.application.return", "zh-CN") == "审核 · 设立申请 · 退回补正"
    assert action_label("tenant.penalty.suspension", "en").startswith("Sub-platform · Penalty")
    # Every label group names something (a misspelt group would name nothing, silently), and
    # every word is named in both languages.
    for group in GROUPS:
        assert any(key.startswith(f"label.{group}.") for key in MESSAGES), group
    assert all(zh and en and zh != en for zh, en in WORDS.values()), WORDS
    assert object_label("application:3:audit", "zh-CN") == "设立申请 3 · 近三年审计报告及信用证明"
    assert object_label("account:4:hq_auditor@hq", "zh-CN") == "账号 4 · 审计员（服务平台）"
    assert object_label("account:5:regulator@region:370100", "zh-CN").endswith("（山东省 济南市）")
    assert object_label("tenant:3", "zh-CN") == "分平台 3"
    assert object_label("login:someone", "zh-CN") == "登录 someone"  # a failed sign-in
    assert object_label("thing:1", "zh-CN") == "thing:1"  # not a known kind: as it is


@pytest.mark.asyncio
async def test_the_auditor_browses_filters_verifies_and_exports(app: Litestar) -> None:
    hq = await hq_people(app)
    auditor = await new_account(AccountKind.hq_staff)
    await grant_role(
        app.state.authorizer, hq["admin"], account_id=auditor.account_id, role="hq_auditor"
    )
    browser = await main_client_as(app, auditor)
    reviewer = await main_client_as(app, hq["reviewer"])
    try:
        page = await browser.get("/admin/audit/")
        assert page.status_code == 200, page.text
        assert "角色 · 授予" in page.text  # the auditor's own grant, in words
        assert not re.search(r">role\.grant<|>success<", page.text)
        only_roles = await browser.get("/admin/audit/?area=role&outcome=success&tenant=hq")
        assert "角色 · 授予" in only_roles.text and "登录与口令 · 登录" not in only_roles.text
        logins = await browser.get(f"/admin/audit/?area=auth&actor={auditor.username}")
        assert "登录与口令 · 登录" in logins.text and "角色 · 授予" not in logins.text
        for bad in ("area=nothing", "since=2026-13-01", "tenant=x", "outcome=maybe"):
            refused = await browser.get(f"/admin/audit/?{bad}", headers={"accept": "text/html"})
            assert refused.status_code == 400 and "筛选条件不正确" in refused.text, bad
            assert "<html" in refused.text

        verified = await browser.get("/admin/audit/verification")
        assert verified.status_code == 200 and "审计链完整" in verified.text

        before = await AuditEntry.count()
        exported = await browser.post("/admin/audit/export", data={"area": "role"})
        assert exported.status_code == 200, exported.text
        assert exported.headers["content-type"].startswith("text/csv")
        assert exported.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert rows[0][:5] == ["序号", "时间（北京时间）", "操作人", "分平台", "操作"]
        assert rows[1:] and all(r[4].startswith("角色") for r in rows[1:])
        assert await AuditEntry.count() == before + 1
        last = await AuditEntry.select().order_by(AuditEntry.seq, ascending=False).first()
        assert last["action"] == "audit.export" and last["actor"] == auditor.username

        # Nobody else reads it: a reviewer is refused, and the navigation offers it only to
        # the auditor.
        assert (await reviewer.get("/admin/audit/")).status_code == 403
        assert (await reviewer.post("/admin/audit/export", data={})).status_code == 403
        assert "/admin/audit/" not in (await reviewer.get("/workbench")).text
        assert "/admin/audit/" in (await browser.get("/workbench")).text
    finally:
        await browser.aclose()
        await reviewer.aclose()


def test_exported_cells_never_run_as_formulas() -> None:
    assert inert('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert inert("-1+1") == "'-1+1" and inert("张三") == "张三" and inert(7) == 7


@pytest.mark.asyncio
async def test_an_entry_of_an_unnamed_tenant_is_not_shown_as_head_offices(app: Litestar) -> None:
    """A tenant id without a name (the tenant is gone) shows as its id, on the page and in the
    export alike; the export's file name is stamped in Beijing time, as its cells are."""
    gone = 987654321
    async with write_transaction():
        await record(
            actor=Actor(label="tester"), action="tenant.reinstate", object=f"tenant:{gone}",
            tenant_id=gone,
        )  # fmt: skip
    hq = await hq_people(app)
    auditor = await new_account(AccountKind.hq_staff)
    await grant_role(
        app.state.authorizer, hq["admin"], account_id=auditor.account_id, role="hq_auditor"
    )
    browser = await main_client_as(app, auditor)
    try:
        page = await browser.get(f"/admin/audit/?tenant={gone}")
        assert page.status_code == 200
        row = re.search(r"<tr><td>\d+</td>.*?</tr>", page.text, re.S)
        assert row and f"<td>分平台 #{gone}</td>" in row[0] and "服务平台" not in row[0], row
        exported = await browser.post("/admin/audit/export", data={"tenant": str(gone)})
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert [r[3] for r in rows[1:]] == [f"分平台 #{gone}"]
        name = exported.headers["content-disposition"]
        stamp = dt.datetime.strptime(re.search(r"audit-(\d{14})\.csv", name)[1], "%Y%m%d%H%M%S")
        now = dt.datetime.now(BEIJING).replace(tzinfo=None)
        assert abs(now - stamp) < dt.timedelta(minutes=5), (name, now)
    finally:
        await browser.aclose()
