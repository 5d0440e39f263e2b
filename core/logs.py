"""Log lines: plain text in development, one JSON object a line in production, so a log
collector reads fields (time, level, logger, message, exception) instead of parsing text."""

from __future__ import annotations

from typing import Any

from core.settings import Settings

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}


def app_formatters(settings: Settings) -> dict[str, dict[str, Any]] | None:
    """For Litestar's ``LoggingConfig(formatters=…)``; None keeps its own."""
    return {"standard": JSON_FORMATTER} if settings.json_logs else None


def server_log_config(settings: Settings) -> dict[str, Any] | None:
    """uvicorn's ``log_config``: its default, with JSON formatters when asked for."""
    if not settings.json_logs:
        return None
    from uvicorn.config import LOGGING_CONFIG

    config = {**LOGGING_CONFIG, "formatters": {"default": JSON_FORMATTER, "access": JSON_FORMATTER}}
    return config
