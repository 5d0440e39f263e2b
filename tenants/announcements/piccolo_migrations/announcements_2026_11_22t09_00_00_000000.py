"""Indexes that serve the lists of published announcements in their order, newest first.

Without them a list page scanned ``announcement_published_at`` backwards, starting with every
draft (NULL sorts first there) and, filtered by a type or a sub-platform, with every other
announcement too: 300–600 ms over a million rows (bench/announcements.py, P5). Partial: drafts
are never listed. Both engines understand this SQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "listing indexes"

INDEXES = {
    # the main portal, all types
    "announcement_listed": "published_at DESC, id DESC",
    # the main portal by type, and the latest of each type on its home page
    "announcement_listed_by_type": "type, published_at DESC, id DESC",
    # a sub-site's own lists, and the main portal's by sub-platform
    "announcement_listed_by_tenant": "tenant, published_at DESC, id DESC",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="announcements", description=DESCRIPTION)

    async def create_indexes():
        from tenants.announcements.tables import Announcement

        for name, columns in INDEXES.items():
            await Announcement.raw(
                f"CREATE INDEX IF NOT EXISTS {name} ON announcement ({columns}) "
                "WHERE state = 'published'"
            )

    manager.add_raw(create_indexes)
    return manager
