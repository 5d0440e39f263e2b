"""Domain errors: raised by services, turned into HTTP answers in one place (core.app)."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str, *, detail: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}


class NotFound(DomainError):
    """Absent, or not visible to the caller: the two are deliberately indistinguishable."""

    status_code = 404


class AlreadyExists(DomainError):
    """A unique key is taken (the database's unique violation, whichever engine)."""

    status_code = 409


class Conflict(DomainError):
    """Well-formed, but the target's state refuses it (e.g. 报名 on a result announcement)."""

    status_code = 409


class ConfigError(Exception):
    """The configuration is unusable. The message names the setting and says what is wrong."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem
