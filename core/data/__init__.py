"""Data layer: one Piccolo engine chosen by settings, migrations, error translation.

Piccolo finds its engine through the module named by ``PICCOLO_CONF``; ours is
``infra.piccolo_conf``, which asks :func:`core.data.engine.build_engine` for it.
"""

import os

os.environ.setdefault("PICCOLO_CONF", "infra.piccolo_conf")
