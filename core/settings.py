"""Typed settings read from the environment once, behind a cached getter.

With nothing set, every part runs embedded (SQLite file, in-process store, local-directory
object storage). ``DATABASE_URL``, ``REDIS_URL`` and the ``S3_*`` settings each switch one part
to the real service, independently of the others.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from core.errors import ConfigError

Environment = Literal["development", "production"]


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    """``postgres_dsn`` set → PostgreSQL with a pool; otherwise a SQLite file."""

    postgres_dsn: str | None
    sqlite_path: Path
    pool_max_size: int

    @property
    def engine(self) -> Literal["postgres", "sqlite"]:
        return "postgres" if self.postgres_dsn else "sqlite"


@dataclass(frozen=True, slots=True)
class S3Settings:
    bucket: str
    endpoint_url: str | None
    region: str
    access_key_id: str | None
    secret_access_key: str | None


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """Login and session controls of the level-3 baseline (等保三级)."""

    session_idle_minutes: int
    session_max_hours: int
    password_max_age_days: int
    require_hq_totp: bool
    insecure_cookies: bool  # plain-HTTP development only: no Secure flag, no __Host- prefix
    max_login_failures: int = 5
    lockout_minutes: int = 15
    # Development only (the test suite): argon2 at its lowest cost instead of ~100 ms a hash.
    cheap_password_hashing: bool = False


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Outgoing e-mail. ``host`` None: messages are only logged (development, tests)."""

    host: str | None
    port: int
    sender: str
    starttls: bool


@dataclass(frozen=True, slots=True)
class Settings:
    environment: Environment
    secret_key: str
    base_domain: str
    data_dir: Path
    host: str
    port: int
    database: DatabaseSettings
    redis_url: str | None
    s3: S3Settings | None
    audit_hash: Literal["sm3", "sha256"]
    security: SecuritySettings
    mail: MailSettings
    data_key: bytes  # SM4 key of encrypted fields (core.crypto), 16 bytes
    metrics_token: str | None = None  # the scraper's bearer token; None: no /metrics
    json_logs: bool = False  # one JSON object a log line (production)
    access_log: bool = True
    jobs_interval: int = 15  # seconds between the scheduler's looks for due jobs; 0: none
    # PUB_SERVICE_PLAT_CODE of the national data specification: the public service platform
    # pushes report to (tenants.opendata); "" until configured, and a push then names it.
    public_service_platform_code: str = ""

    @property
    def development(self) -> bool:
        return self.environment == "development"

    @property
    def object_storage_dir(self) -> Path:
        return self.data_dir / "objects"


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(name, f"must be between {low} and {high}, got {value}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(name, f"must be true or false, got {value!r}")


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``; the first is the default."""
    value = env.get(name) or allowed[0]
    if value not in allowed:
        raise ConfigError(name, f"must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _postgres_dsn(raw: str) -> str:
    """Check the shape of ``DATABASE_URL`` so a typo fails at start, naming the setting."""
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise ConfigError("DATABASE_URL", f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("postgres", "postgresql"):
        raise ConfigError(
            "DATABASE_URL", f"must start with postgresql:// (got scheme {parts.scheme!r})"
        )
    if not parts.hostname and "host=" not in parts.query:
        raise ConfigError("DATABASE_URL", "names no host")
    if not parts.path.strip("/"):
        raise ConfigError("DATABASE_URL", "names no database (…/dbname)")
    if port == 0:
        raise ConfigError("DATABASE_URL", "has port 0")
    return raw


def _redis_url(raw: str) -> str:
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ConfigError("REDIS_URL", f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            "REDIS_URL", f"must start with redis://, rediss:// or unix:// (got {raw!r})"
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError("REDIS_URL", "names no host")
    return raw


def _s3(env: Mapping[str, str]) -> S3Settings | None:
    bucket = env.get("S3_BUCKET", "").strip()
    others = [
        n for n in ("S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY") if env.get(n)
    ]
    if not bucket:
        if others:
            raise ConfigError("S3_BUCKET", f"is required when {', '.join(others)} is set")
        return None
    endpoint = env.get("S3_ENDPOINT_URL") or None
    if endpoint:
        try:
            parts = urlsplit(endpoint)
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError as exc:
            raise ConfigError("S3_ENDPOINT_URL", f"is not a valid URL ({exc})") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError("S3_ENDPOINT_URL", f"must be an http(s) URL, got {endpoint!r}")
    region = env.get("S3_REGION") or "us-east-1"
    if not re.fullmatch(r"[a-z0-9-]{2,32}", region):
        raise ConfigError("S3_REGION", f"is not a region name, got {region!r}")
    key_id, secret = env.get("S3_ACCESS_KEY_ID") or None, env.get("S3_SECRET_ACCESS_KEY") or None
    if bool(key_id) != bool(secret):
        raise ConfigError("S3_ACCESS_KEY_ID", "and S3_SECRET_ACCESS_KEY must be set together")
    return S3Settings(
        bucket=bucket,
        endpoint_url=endpoint,
        region=region,
        access_key_id=key_id,
        secret_access_key=secret,
    )


def _secret_key(env: Mapping[str, str], environment: Environment, data_dir: Path) -> str:
    if key := env.get("SUNSHINE_SECRET_KEY"):
        if len(key) < 32:
            raise ConfigError("SUNSHINE_SECRET_KEY", "must be at least 32 characters")
        return key
    if environment == "production":
        raise ConfigError("SUNSHINE_SECRET_KEY", "is required in production")
    # Development: one random key kept in the data directory, so restarts keep sessions.
    path = data_dir / "secret_key"
    try:
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()
    except OSError as exc:
        raise ConfigError(
            "SUNSHINE_DATA_DIR", f"cannot keep the secret key in {data_dir}: {exc}"
        ) from exc


def _data_key(env: Mapping[str, str], environment: Environment, secret_key: str) -> bytes:
    """``SUNSHINE_DATA_KEY``: 32 hex digits. Development derives one from the secret key."""
    if raw := env.get("SUNSHINE_DATA_KEY", "").strip():
        try:
            key = bytes.fromhex(raw)
        except ValueError:
            key = b""
        if len(key) != 16:
            raise ConfigError("SUNSHINE_DATA_KEY", "must be 32 hexadecimal digits (an SM4 key)")
        return key
    if environment == "production":
        raise ConfigError("SUNSHINE_DATA_KEY", "is required in production")
    return hashlib.sha256(b"sunshine data key\0" + secret_key.encode()).digest()[:16]


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build settings from a mapping (``os.environ`` in the app; a dict in tests)."""
    environment = _choice(env, "SUNSHINE_ENV", ("development", "production"))
    data_dir = Path(env.get("SUNSHINE_DATA_DIR") or "var").resolve()
    base_domain = env.get("SUNSHINE_BASE_DOMAIN", "localhost").strip().lower().rstrip(".")
    if not base_domain or "/" in base_domain or ":" in base_domain:
        raise ConfigError("SUNSHINE_BASE_DOMAIN", f"must be a bare host name, got {base_domain!r}")
    raw_db = env.get("DATABASE_URL", "").strip()
    raw_redis = env.get("REDIS_URL", "").strip()
    secret_key = _secret_key(env, environment, data_dir)  # type: ignore[arg-type]
    return Settings(
        environment=environment,  # type: ignore[arg-type]  # checked above
        secret_key=secret_key,
        base_domain=base_domain,
        data_dir=data_dir,
        host=env.get("SUNSHINE_HOST", "127.0.0.1"),
        port=_int(env, "SUNSHINE_PORT", 8000, 1, 65535),
        database=DatabaseSettings(
            postgres_dsn=_postgres_dsn(raw_db) if raw_db else None,
            sqlite_path=data_dir / "sunshine.sqlite3",
            pool_max_size=_int(env, "SUNSHINE_DB_POOL_MAX", 10, 1, 500),
        ),
        redis_url=_redis_url(raw_redis) if raw_redis else None,
        s3=_s3(env),
        audit_hash=_choice(env, "SUNSHINE_AUDIT_HASH", ("sm3", "sha256")),  # type: ignore[arg-type]
        security=_security(env, environment),
        mail=MailSettings(
            host=env.get("SUNSHINE_SMTP_HOST", "").strip() or None,
            port=_int(env, "SUNSHINE_SMTP_PORT", 25, 1, 65535),
            sender=env.get("SUNSHINE_MAIL_FROM") or "noreply@localhost",
            starttls=_flag(env, "SUNSHINE_SMTP_STARTTLS"),
        ),
        data_key=_data_key(env, environment, secret_key),  # type: ignore[arg-type]
        metrics_token=_metrics_token(env),
        json_logs=_flag(env, "SUNSHINE_JSON_LOGS") or environment == "production",
        access_log=not _flag(env, "SUNSHINE_NO_ACCESS_LOG"),
        jobs_interval=_int(env, "SUNSHINE_JOBS_INTERVAL", 15, 0, 3600),
        public_service_platform_code=env.get("SUNSHINE_PUB_SERVICE_PLAT_CODE", "").strip(),
    )


def _metrics_token(env: Mapping[str, str]) -> str | None:
    token = env.get("SUNSHINE_METRICS_TOKEN", "").strip()
    if token and len(token) < 16:
        raise ConfigError("SUNSHINE_METRICS_TOKEN", "must be at least 16 characters")
    return token or None


def _security(env: Mapping[str, str], environment: str) -> SecuritySettings:
    insecure = _flag(env, "SUNSHINE_INSECURE_COOKIES")
    if insecure and environment != "development":
        raise ConfigError("SUNSHINE_INSECURE_COOKIES", "is allowed in development only")
    cheap_hashing = _flag(env, "SUNSHINE_CHEAP_PASSWORD_HASHING")
    if cheap_hashing and environment != "development":
        raise ConfigError("SUNSHINE_CHEAP_PASSWORD_HASHING", "is allowed in development only")
    return SecuritySettings(
        session_idle_minutes=_int(env, "SUNSHINE_SESSION_IDLE_MINUTES", 30, 1, 24 * 60),
        session_max_hours=_int(env, "SUNSHINE_SESSION_MAX_HOURS", 12, 1, 7 * 24),
        password_max_age_days=_int(env, "SUNSHINE_PASSWORD_MAX_AGE_DAYS", 90, 1, 3650),
        require_hq_totp=_flag(env, "SUNSHINE_REQUIRE_HQ_TOTP"),
        insecure_cookies=insecure,
        cheap_password_hashing=cheap_hashing,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings. Tests that change the environment call ``cache_clear()``."""
    return load_settings(os.environ)
