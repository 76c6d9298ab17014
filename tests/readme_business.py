"""A month of business for the README's audit block, run between its two halves: one more
contract through the service (which signs a checkpoint after the batch), and, when
`REWRITE` is set, the first contract's payment amount rewritten behind the service's
back with chains, seal and tree recomputed."""

from __future__ import annotations

import os

from api.settings import Settings
from api.storage import open_application
from projections.runtime import Projections
from tests.attacker import Attacker
from tests.receivables_history import executing_contract

if __name__ == "__main__":
    settings = Settings.from_env()
    app = open_application(settings)
    first = app.recorder.select_notifications(start=1, limit=20)
    contract = next(record.originator_id for record in first if "Contract" in record.topic)
    executing_contract(app, "C2", "li.lei")
    views = Projections(app)
    views.refresh()
    views.stop()
    app.close()
    if os.environ.get("REWRITE"):
        Attacker(settings.database_url).swap_two_events(contract, 3, 4)
