"""Which contracts complaints name: customer service reads a contract once a complaint it
works names it (SPEC §7), and nothing else of the books."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.chain import ChainedAggregate

_NAMESPACE = uuid5(NAMESPACE_URL, "https://contractflow/complaint-links")


class ComplaintsOnContract(ChainedAggregate):
    """Exists once a complaint names the contract; saved with that complaint."""

    @staticmethod
    def create_id(contract_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, str(contract_id))

    @event("FirstNamed")
    def __init__(self, contract_id: UUID, complaint_id: UUID) -> None:
        self.contract_id = contract_id
        self.first_complaint_id = complaint_id
