"""Indexes that serve the lists of published announcements in their order, newest first.

The lists scanned ``announcement_published_at`` backwards, starting with every draft (NULL
sorts first there) and, filtered by a type or a sub-platform, through every other announcement
too: 300–700 ms a page over a million rows (bench/announcements.py, P5). Three partial indexes
(drafts are never listed) in the lists' order replace it; it goes, since the planner kept
choosing it for the unfiltered list, its cost estimate blind to the drafts it meets first.
Both engines understand the SQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz

ID = "2026-11-22T08:54:27:971890"
VERSION = "1.38.0"
DESCRIPTION = "listing indexes"

INDEXES = {
    # the main portal, all types (also its date searches)
    "announcement_listed": "published_at DESC, id DESC",
    # the main portal by type, and the latest of each type on its home page
    "announcement_listed_by_type": "type, published_at DESC, id DESC",
    # a sub-site's own lists, and the main portal's by sub-platform
    "announcement_listed_by_tenant": "tenant, published_at DESC, id DESC",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="announcements", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Announcement",
        tablename="announcement",
        column_name="published_at",
        db_column_name="published_at",
        params={"index": False},
        old_params={"index": True},
        column_class=Timestamptz,
        old_column_class=Timestamptz,
        schema=None,
    )

    async def create_indexes():
        from tenants.announcements.tables import Announcement

        for name, columns in INDEXES.items():
            await Announcement.raw(
                f"CREATE INDEX IF NOT EXISTS {name} ON announcement ({columns}) "
                "WHERE state = 'published'"
            )

    manager.add_raw(create_indexes)
    return manager
