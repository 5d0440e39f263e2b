"""Imports every shipped plugin, which registers itself in ``plugins.registry.CATALOGUE``."""

from plugins import notices_board, procurement_calendar

SHIPPED = (notices_board.SPEC, procurement_calendar.SPEC)
