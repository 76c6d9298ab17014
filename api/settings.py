"""Configuration from the environment (SPEC §9), read once when the app or CLI starts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from domain.complaints.policy import ServiceLevels
from domain.contracts.routing import ApprovalRouting

DEFAULT_DATABASE_URL = "sqlite:///./contractflow.db"
DEFAULT_USERS_FILE = "./contractflow-users.toml"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    users_file: Path = Path(DEFAULT_USERS_FILE)
    timezone: str = "Asia/Shanghai"
    routing: ApprovalRouting = field(default_factory=ApprovalRouting)
    service_levels: ServiceLevels = field(default_factory=ServiceLevels)
    db_timeout_seconds: int = 2
    max_body_bytes: int = 1024 * 1024
    projections_inline: bool = True  # False: `contractflow projections run` workers apply events
    projection_batch: int = 1000  # events per view transaction
    encryption_key: str | None = None  # AES key (base64): event payloads encrypted at rest
    audit_signing_key: str | None = None  # Ed25519 note key: signs the log's checkpoints

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """`CONTRACTFLOW_*` variables; anything unset keeps its documented default."""
        defaults = cls()
        routing = ApprovalRouting(
            finance_review_from=Decimal(
                environ.get(
                    "CONTRACTFLOW_FINANCE_REVIEW_FROM", defaults.routing.finance_review_from
                )
            ),
            director_approval_from=Decimal(
                environ.get(
                    "CONTRACTFLOW_DIRECTOR_APPROVAL_FROM", defaults.routing.director_approval_from
                )
            ),
        )
        levels = ServiceLevels(
            handle_within=timedelta(
                hours=float(environ.get("CONTRACTFLOW_HANDLE_WITHIN_HOURS", "48"))
            ),
            revisit_within=timedelta(
                days=float(environ.get("CONTRACTFLOW_REVISIT_WITHIN_DAYS", "7"))
            ),
        )
        return cls(
            service_levels=levels,
            database_url=environ.get("CONTRACTFLOW_DATABASE_URL", defaults.database_url),
            users_file=Path(environ.get("CONTRACTFLOW_USERS", DEFAULT_USERS_FILE)),
            timezone=environ.get("CONTRACTFLOW_TIMEZONE", defaults.timezone),
            routing=routing,
            db_timeout_seconds=int(
                environ.get("CONTRACTFLOW_DB_TIMEOUT", defaults.db_timeout_seconds)
            ),
            projections_inline=environ.get("CONTRACTFLOW_PROJECTIONS", "inline") != "external",
            encryption_key=environ.get("CONTRACTFLOW_ENCRYPTION_KEY") or None,
            audit_signing_key=environ.get("CONTRACTFLOW_AUDIT_SIGNING_KEY") or None,
            projection_batch=int(
                environ.get("CONTRACTFLOW_PROJECTION_BATCH", defaults.projection_batch)
            ),
        )
