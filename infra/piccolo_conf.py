"""Piccolo's configuration module (``PICCOLO_CONF=infra.piccolo_conf``).

The engine follows the settings; every bounded context registers its Piccolo app here.
"""

from piccolo.conf.apps import AppRegistry

from core.data.engine import build_engine
from core.settings import get_settings

DB = build_engine(get_settings().database)

APP_REGISTRY = AppRegistry(
    apps=[
        "core.tenancy.piccolo_app",
        "core.identity.piccolo_app",
        "core.audit.piccolo_app",
        "core.authz.piccolo_app",
        "core.notifications.piccolo_app",
        "core.approvals.piccolo_app",
        "core.libraries.subjects.piccolo_app",
        "core.libraries.commodities.piccolo_app",
        "core.libraries.experts.piccolo_app",
        "tenants.piccolo_app",
        "tenants.announcements.piccolo_app",
        "tenants.projects.piccolo_app",
        "plugins.piccolo_app",
        "core.workdays.piccolo_app",
        "core.jobs.piccolo_app",
        "core.libraries.transactions.piccolo_app",
        "core.ops_access.piccolo_app",
        "core.statistics.piccolo_app",
        "tenants.risk.piccolo_app",
        "tenants.opendata.piccolo_app",
    ]
)
