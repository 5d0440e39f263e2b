"""Change messages between workers over Redis pub/sub, for the per-process caches."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


async def follow(
    redis: Redis, channel: str, on_message: Callable[[str], None], on_subscribed: Callable[[], None]
) -> None:
    """Call ``on_message`` with each message on ``channel``, until cancelled.

    ``on_subscribed`` runs after every (re)subscription: messages sent while the feed was lost
    are gone, so the caller drops everything it holds.
    """
    while True:
        try:
            async with redis.pubsub() as pubsub:
                await pubsub.subscribe(channel)
                on_subscribed()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None:
                        on_message(message["data"].decode())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("change feed %s lost; retrying", channel, exc_info=True)
            await asyncio.sleep(1.0)


async def announce(redis: Redis, channel: str, message: str) -> None:
    """Tell the other workers; called after a commit, so it must not fail now. A worker whose
    feed broke drops everything when it subscribes again, and its entries' life bounds the rest.
    """
    try:
        await redis.publish(channel, message)
    except RedisError as exc:
        log.warning("change on %s not announced (%s): %r", channel, message, exc)
