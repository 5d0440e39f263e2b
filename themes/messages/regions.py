"""Regions on pages: the region picker and the ``region`` filter. Region names themselves are
proper names from the shipped GB/T 2260 list, shown as they are in every locale."""

MESSAGES: dict[str, tuple[str, str]] = {
    "region.unknown": ("未知地区", "Unknown region"),
    "region.choose": ("请选择地区", "Choose a region"),
    "region.any": ("全部地区", "Any region"),
    "region.none": ("不按地区", "No region"),
}
