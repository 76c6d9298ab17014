"""Where classes were: stored events and snapshots name their classes by topic
(`module:Class.Event`), so a class that moves keeps its old topic registered, and readers
that select events by topic ask for the old names too."""

from __future__ import annotations

from eventsourcing.utils import get_topic, register_topic

from domain.complaints.complaint import Complaint
from domain.contracts.contract import Contract

# Old topic of an aggregate class → the class now (moved on 2026-11-23).
MOVED: dict[str, type] = {
    "domain.contract:Contract": Contract,
    "domain.complaint:Complaint": Complaint,
}
for _old, _class in MOVED.items():
    register_topic(_old, _class)


def every_topic(event_class: type) -> tuple[str, ...]:
    """The topic of `event_class` now, and those it was stored under before."""
    topic = get_topic(event_class)
    owner, _, name = topic.rpartition(".")  # "module:Aggregate", "Event"
    if ":" not in owner:
        return (topic,)
    return (topic, *(f"{old}.{name}" for old, moved in MOVED.items() if get_topic(moved) == owner))
