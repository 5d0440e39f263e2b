"""Methods as configuration: which tracks use them, their minimum bids, their checklists."""

from __future__ import annotations

from tenants.announcements.tables import ProcurementMethod as Method
from tenants.projects.methods import METHODS, checklist, every_item, rules_of
from tenants.projects.tables import Track
from themes.i18n import in_locale


def test_a_tender_needs_three_bids_and_single_source_is_no_tender() -> None:
    assert METHODS[Method.open_tender].min_bids == 3  # 招标投标法 28
    assert rules_of(Track.tender, Method.single_source) is None
    assert rules_of(Track.government, Method.single_source) is not None
    assert rules_of(Track.tender, Method.reverse_auction) is None
    assert rules_of(Track.tender, Method.other) is None  # not a method of any track


def test_every_track_has_a_method_and_every_checklist_is_complete() -> None:
    for track in Track:
        usable = [m for m in METHODS if rules_of(track, m)]
        assert usable, track
        for method in usable:
            codes = [item.code for item in checklist(track, method)]
            assert len(codes) == len(set(codes)), (track, method, codes)
            assert any(item.required for item in checklist(track, method))


def test_every_item_title_is_in_both_languages() -> None:
    for item in every_item():
        zh, en = in_locale(item.title, "zh-CN"), in_locale(item.title, "en")
        assert zh != en and zh and en, item.title  # "中文 / English", split as pages do
        assert not any("a" <= c <= "z" for c in zh), item.title


def test_the_audit_log_names_a_projects_material_and_a_units_account() -> None:
    from core.audit.labels import object_label

    assert object_label("project:7:approval", "zh-CN") == "项目 7 · 项目审批、核准或备案文件"
    assert object_label("purchaser:3:account:9", "en") == "Purchaser 3 · Account 9"
    assert object_label("project:7", "zh-CN") == "项目 7"
    assert object_label("project:7:lot:2", "zh-CN") == "项目 7 · 标段 2"
