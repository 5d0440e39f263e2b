"""Running a benchmark's app in this process: the settings it needs when none are given."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path


def run_in_process(
    main: Callable[[argparse.Namespace], Awaitable[int]], args: argparse.Namespace, name: str
) -> int:
    """``main(args)`` on the embedded default in a throwaway data directory unless
    ``SUNSHINE_DATA_DIR`` (or a service) is set; no periodic jobs, so they do not run into
    the figures."""
    with tempfile.TemporaryDirectory(prefix=f"sunshine-bench-{name}-") as tmp:
        if not os.environ.get("SUNSHINE_DATA_DIR"):
            os.environ["SUNSHINE_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ.setdefault("SUNSHINE_ENV", "development")
        os.environ.setdefault("SUNSHINE_BASE_DOMAIN", "sunshine.test")
        os.environ.setdefault("SUNSHINE_JOBS_INTERVAL", "0")
        return asyncio.run(main(args))
