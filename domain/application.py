"""The contractflow application: one event log for every aggregate, with a desk per
bounded context (`contracts`, `complaints`) holding its commands and queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoder

from domain.chain import seal_pending
from domain.complaints.complaint import Complaint
from domain.complaints.policy import ServiceLevels
from domain.complaints.service import ComplaintDesk
from domain.contracts.amendments import Amendment
from domain.contracts.contract import Contract
from domain.contracts.routing import ApprovalRouting
from domain.contracts.service import ContractDesk
from domain.contracts.terms import CustomerRef, Line, Movement, PaymentTerms
from domain.customers.service import CustomerDesk
from domain.dates import ensure_not_future
from domain.delegations.service import DelegationDesk
from domain.numbering import NumberSequence
from domain.replay import ReplayingRepository, replay
from domain.topics import MOVED  # noqa: F401 - registers the topics of moved classes
from domain.transcoder import OrjsonReadingTranscoder
from domain.transcodings import DateAsISO, ValueAsDict


class ContractFlow(Application):
    """All aggregates of contractflow share this application and its notification log."""

    name = "contractflow"
    snapshotting_intervals = {Contract: 50, Complaint: 50, NumberSequence: 200}  # noqa: RUF012
    snapshotting_projectors = dict.fromkeys(snapshotting_intervals, replay)

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        routing: ApprovalRouting | None = None,
        service_levels: ServiceLevels | None = None,
        timezone: str = "Asia/Shanghai",
    ) -> None:
        super().__init__(env)
        self.routing = routing or ApprovalRouting()
        self.service_levels = service_levels or ServiceLevels()
        self.timezone = ZoneInfo(timezone)
        self.contracts = ContractDesk(self)
        self.complaints = ComplaintDesk(self)
        self.delegations = DelegationDesk(self)
        self.customers = CustomerDesk(self)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Every save chains its events to their aggregates' histories (tamper evidence)."""
        seal_pending(self.events, objs)
        return super().save(*objs, **kwargs)

    def construct_repository(self) -> ReplayingRepository:
        return ReplayingRepository(event_store=self.events, snapshot_store=self.snapshots)

    def construct_transcoder(self) -> Transcoder:
        """The library's JSON, read faster: the same values (see domain.transcoder)."""
        transcoder = OrjsonReadingTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        for value_type in (CustomerRef, PaymentTerms, Line, Movement, Amendment):
            transcoder.register(ValueAsDict(value_type))

    def today(self) -> date:
        """Business dates default to today in the configured time zone (SPEC §4)."""
        return datetime.now(self.timezone).date()

    def business_date(self, given: date | None, field: str) -> date:
        return ensure_not_future(given or self.today(), self.today(), field)
