"""The accent colours a sub-site may choose (主题色); each carries white text at WCAG AA."""

from __future__ import annotations

# name → hex. The names are what tenants pick and what branding stores.
PALETTE: dict[str, str] = {
    "sunshine-red": "#b3261e",  # 阳光红, the head office's own
    "government-blue": "#1d4e89",  # 政务蓝
    "jade": "#0f6b5c",  # 青绿
    "forest": "#2f6b2f",  # 森林绿
    "ochre": "#8f3f0b",  # 赭石
    "violet": "#5b2c8f",  # 紫
    "slate": "#3c4856",  # 石板灰
}
DEFAULT_ACCENT = "sunshine-red"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    """WCAG 2 contrast ratio of white text on ``hex_colour``."""
    return 1.05 / (_luminance(hex_colour) + 0.05)
