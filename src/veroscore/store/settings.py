"""Connection settings of the server stores: time-outs, keepalives, retries.

Read from the environment (`VEROSCORE_STORE_<FIELD>`, e.g. `VEROSCORE_STORE_LOCK_TIMEOUT_MS`)
because they belong to the place the job runs (its network, its pooler), like the
database URL itself, not to the repository's configuration. The defaults keep one run's
wait on a hung or locked store under about half a minute, after which the record is spooled.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from veroscore.errors import InputError

ENV_PREFIX = "VEROSCORE_STORE_"


class StoreSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    connect_timeout_s: int = Field(default=10, ge=1, le=600)
    statement_timeout_ms: int = Field(default=15_000, ge=1, le=3_600_000)
    lock_timeout_ms: int = Field(default=5_000, ge=1, le=3_600_000)
    idle_in_transaction_timeout_ms: int = Field(default=30_000, ge=1, le=3_600_000)
    keepalives_idle_s: int = Field(default=30, ge=1, le=7200)
    keepalives_interval_s: int = Field(default=10, ge=1, le=600)
    keepalives_count: int = Field(default=3, ge=1, le=100)
    client_grace_s: float = Field(default=5.0, ge=0, le=600)
    http_timeout_s: float = Field(default=20.0, gt=0, le=600)
    retries: int = Field(default=4, ge=0, le=20)
    retry_base_delay_s: float = Field(default=0.05, ge=0, le=10)
    sqlite_busy_timeout_ms: int = Field(default=10_000, ge=0, le=3_600_000)


def settings_from_env(env: Mapping[str, str] = os.environ) -> StoreSettings:
    """The settings, with any `VEROSCORE_STORE_*` variable overriding its default."""
    given = {name: env[ENV_PREFIX + name.upper()] for name in StoreSettings.model_fields
             if env.get(ENV_PREFIX + name.upper(), "").strip()}
    unknown = sorted(key for key in env if key.startswith(ENV_PREFIX)
                     and key[len(ENV_PREFIX):].lower() not in StoreSettings.model_fields)
    if unknown:
        raise InputError(f"unknown store setting {unknown[0]} (known: "
                         + ", ".join(ENV_PREFIX + n.upper() for n in StoreSettings.model_fields)
                         + ")")
    try:
        return StoreSettings.model_validate(given)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ENV_PREFIX + str(error["loc"][0]).upper()
        raise InputError(f"{name}={given.get(str(error['loc'][0]), '')!r}: "
                         f"{error['msg']}") from None
