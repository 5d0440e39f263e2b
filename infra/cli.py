"""Entry point: ``python -m infra.cli <command>`` (the Litestar CLI with Sunshine's commands).

Settings are read first, so a bad setting ends with one line naming it, not a traceback.
"""

from __future__ import annotations

import os
import sys

from core.errors import ConfigError
from core.settings import get_settings


def main() -> None:
    try:
        get_settings()
    except ConfigError as exc:
        sys.exit(f"配置错误 / configuration error — {exc}")
    os.environ.setdefault("LITESTAR_APP", "core.app:create_app")
    from litestar.cli.main import litestar_group

    litestar_group()


if __name__ == "__main__":
    main()
