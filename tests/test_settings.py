"""Settings: embedded defaults, each service switched by its own setting, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.data.engine import get_engine
from core.errors import ConfigError
from core.settings import load_settings
from tests.conftest import SETTINGS


def settings(tmp_path: Path, **env: str):
    return load_settings({"SUNSHINE_DATA_DIR": str(tmp_path), **env})


def test_nothing_set_is_fully_embedded(tmp_path: Path) -> None:
    s = settings(tmp_path)
    assert s.database.engine == "sqlite"
    assert s.database.sqlite_path == tmp_path / "sunshine.sqlite3"
    assert s.redis_url is None
    assert s.s3 is None
    assert s.development and s.base_domain == "localhost"
    assert len(s.secret_key) >= 32
    assert settings(tmp_path).secret_key == s.secret_key  # kept across restarts


@pytest.mark.parametrize(
    ("env", "database", "redis", "s3"),
    [
        ({"DATABASE_URL": "postgresql://u:p@127.0.0.1:5432/db"}, "postgres", False, False),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "sqlite", True, False),
        ({"S3_BUCKET": "b", "S3_ENDPOINT_URL": "http://127.0.0.1:8333"}, "sqlite", False, True),
    ],
)
def test_each_setting_switches_one_part(
    tmp_path: Path, env: dict[str, str], database: str, redis: bool, s3: bool
) -> None:
    s = settings(tmp_path, **env)
    assert s.database.engine == database
    assert (s.redis_url is not None) == redis
    assert (s.s3 is not None) == s3


def test_the_running_engine_follows_the_setting() -> None:
    assert get_engine().engine_type == SETTINGS.database.engine


@pytest.mark.parametrize(
    ("env", "setting", "words"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL", "postgresql://"),
        ({"DATABASE_URL": "postgresql://u@h:99999/db"}, "DATABASE_URL", "not a valid URL"),
        ({"DATABASE_URL": "postgresql://u@h:5432"}, "DATABASE_URL", "names no database"),
        ({"DATABASE_URL": "postgresql:///db"}, "DATABASE_URL", "names no host"),
        ({"REDIS_URL": "http://h:6379"}, "REDIS_URL", "redis://"),
        ({"REDIS_URL": "redis://h:port/0"}, "REDIS_URL", "not a valid URL"),
        ({"S3_ENDPOINT_URL": "http://h:8333"}, "S3_BUCKET", "required"),
        ({"S3_BUCKET": "b", "S3_ENDPOINT_URL": "h:8333"}, "S3_ENDPOINT_URL", "http(s) URL"),
        ({"S3_BUCKET": "b", "S3_ENDPOINT_URL": "http://"}, "S3_ENDPOINT_URL", "http(s) URL"),
        ({"S3_BUCKET": "b", "S3_REGION": "no_such/region"}, "S3_REGION", "not a region"),
        ({"SUNSHINE_DATA_DIR": "/proc/forbidden"}, "SUNSHINE_DATA_DIR", "secret key"),
        ({"S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "k"}, "S3_ACCESS_KEY_ID", "together"),
        ({"SUNSHINE_ENV": "staging"}, "SUNSHINE_ENV", "one of development, production"),
        ({"SUNSHINE_INSECURE_COOKIES": "maybe"}, "SUNSHINE_INSECURE_COOKIES", "true or false"),
        (
            {
                "SUNSHINE_ENV": "production",
                "SUNSHINE_SECRET_KEY": "k" * 40,
                "SUNSHINE_INSECURE_COOKIES": "1",
            },
            "SUNSHINE_INSECURE_COOKIES",
            "development only",
        ),
        (
            {
                "SUNSHINE_ENV": "production",
                "SUNSHINE_SECRET_KEY": "k" * 40,
                "SUNSHINE_DATA_KEY": "0" * 32,
                "SUNSHINE_CHEAP_PASSWORD_HASHING": "1",
            },
            "SUNSHINE_CHEAP_PASSWORD_HASHING",
            "development only",
        ),
        ({"SUNSHINE_AUDIT_HASH": "md5"}, "SUNSHINE_AUDIT_HASH", "one of sm3, sha256"),
        ({"SUNSHINE_ENV": "production"}, "SUNSHINE_SECRET_KEY", "required in production"),
        ({"SUNSHINE_SECRET_KEY": "short"}, "SUNSHINE_SECRET_KEY", "at least 32"),
        ({"SUNSHINE_PORT": "http"}, "SUNSHINE_PORT", "whole number"),
        ({"SUNSHINE_PORT": "70000"}, "SUNSHINE_PORT", "between"),
        ({"SUNSHINE_BASE_DOMAIN": "example.cn:80"}, "SUNSHINE_BASE_DOMAIN", "bare host"),
    ],
)
def test_bad_configuration_names_the_setting(
    tmp_path: Path, env: dict[str, str], setting: str, words: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        settings(tmp_path, **env)
    assert refused.value.setting == setting
    assert words in str(refused.value)
