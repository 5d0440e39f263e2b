"""Methods as configuration: which tracks use them, their minimum bids, their checklists."""

from __future__ import annotations

from tenants.announcements.tables import ProcurementMethod as Method
from tenants.projects.methods import COMMON_ITEMS, METHODS, TRACK_ITEMS, checklist, rules_of
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
    items = [
        *(i for items in TRACK_ITEMS.values() for i in items),
        *(i for rules in METHODS.values() for i in rules.items),
        *COMMON_ITEMS,
    ]
    for item in items:
        zh, en = in_locale(item.title, "zh-CN"), in_locale(item.title, "en")
        assert zh != en and zh and en, item.title  # "中文 / English", split as pages do
        assert not any("a" <= c <= "z" for c in zh), item.title
