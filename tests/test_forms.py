"""msgspec's refusals named by field (core.forms): the one helper every form and the library
import read the refused field with."""

from __future__ import annotations

from typing import Annotated

import msgspec
import pytest

from core.forms import invalid_field, invalid_input


class Notice(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(min_length=1)]


class Board(msgspec.Struct):
    heading: str
    notices: list[Notice] = []
    sizes: list[int] = []


def refusal(raw: object) -> msgspec.ValidationError:
    with pytest.raises(msgspec.ValidationError) as refused:
        msgspec.convert(raw, Board)
    return refused.value


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({}, "heading"),  # missing
        ({"heading": 1}, "heading"),  # of the wrong type
        ({"heading": "x", "notices": [{"title": ""}]}, "title"),  # past a list position
        ({"heading": "x", "notices": [{}]}, "title"),  # missing, inside a list
        ({"heading": "x", "sizes": [1, "two"]}, "sizes"),  # an item of a list
        ([], None),  # the whole value: no field
    ],
)
def test_the_refused_field_is_the_innermost_one(raw: object, field: str | None) -> None:
    assert invalid_field(refusal(raw)) == field


def test_invalid_input_names_the_field_in_words() -> None:
    fields = {"heading": "review.setting.notices_board.heading"}
    assert "栏目标题" in invalid_input(refusal({"heading": 1}), fields, "zh-CN")
    assert "Heading" in invalid_input(refusal({}), fields, "en")
    assert "标题" not in invalid_input(refusal({"heading": "x", "notices": [{}]}), fields, "zh-CN")
