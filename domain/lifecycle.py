"""A lifecycle declared once, as a table of its actions, and used only as a declaration.

Each row says what SPEC §2 and §3 say of an action: from which states it leads where,
who may take it and which guards must hold. The rows become one `transitions` machine
that is never bound to an aggregate (it would set state behind the event log's back and
break snapshots): aggregates ask it which state an action leads to and which actions are
possible now, policies ask it who may act, and diagrams are drawn from the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from transitions import Machine
from transitions.extensions import GraphMachine

from domain.errors import ConflictError, InvalidTransitionError

SAME = "="  # a transition that stays in its source state
OWNER = "owner"  # who: a sales user acting on a contract they own
STEP_ROLE = "step role"  # who: the role the approval step names (SPEC §2 routing)


class HasState(Protocol):
    state: str


class Guard:
    """A named condition of a transition; when it fails, the refusal carries its code.

    A guard may also read facts of the command (`needs`), such as a revisit's outcome;
    without them (listing `allowed_actions`) it is taken to hold.
    """

    def __init__(
        self,
        holds: Callable[..., bool],
        error: type[ConflictError],
        message: str,
        needs: tuple[str, ...] = (),
    ) -> None:
        self.holds = holds
        self.error = error
        self.message = message
        self.needs = needs
        self.__name__ = holds.__name__  # shown in diagrams

    def __call__(self, subject: Any, **facts: Any) -> bool:
        return self.holds(subject, **{name: facts[name] for name in self.needs})


@dataclass(frozen=True)
class Row:
    """One line of a lifecycle table: `action` leads from `source` to `dest`, taken by
    `who` (roles, or OWNER / STEP_ROLE; None: it fires by itself), when `guards` hold
    and `unless` guards do not."""

    action: str
    source: str | tuple[str, ...]
    dest: str
    who: frozenset[str] | None
    guards: tuple[Guard, ...] = ()
    unless: tuple[Guard, ...] = ()

    def transition(self) -> dict[str, Any]:
        sources = [self.source] if isinstance(self.source, str) else list(self.source)
        return {
            "trigger": self.action,
            "source": sources,
            "dest": self.dest,
            "conditions": list(self.guards),
            "unless": list(self.unless),
        }


def who(*roles: str) -> frozenset[str]:
    return frozenset(roles)


class Lifecycle:
    def __init__(
        self, states: Sequence[str], initial: str, creators: frozenset[str], rows: Iterable[Row]
    ) -> None:
        self.rows = tuple(rows)
        self.states = tuple(states)
        self.initial = initial
        self.creators = creators  # who may start a new one
        self._declaration = {
            "states": list(states),
            "transitions": [row.transition() for row in self.rows],
            "initial": initial,
            "auto_transitions": False,
        }
        self.machine = Machine(model=None, send_event=False, **self._declaration)
        self._who = _who_by_action(self.rows)
        self.actions = tuple(action for action, roles in self._who.items() if roles is not None)

    def who(self, action: str) -> frozenset[str]:
        """Who may take `action` (roles, OWNER, STEP_ROLE); nobody for an automatic one."""
        return self._who.get(action) or frozenset()

    def _resolve(
        self, subject: HasState, action: str, facts: dict[str, Any] | None = None
    ) -> tuple[str | None, list[Guard]]:
        """The destination of the first transition whose guards hold, else the failing guards."""
        failing: list[Guard] = []
        for transition in self.machine.get_transitions(trigger=action, source=subject.state):
            unmet = [
                condition.func
                for condition in transition.conditions
                if (facts is not None or not condition.func.needs)
                and bool(condition.func(subject, **(facts or {}))) != condition.target
            ]
            if not unmet:
                return transition.dest, []
            failing = failing or unmet
        return None, failing

    def target(self, subject: HasState, action: str, **facts: Any) -> str:
        """The state `action` leads to now; raises the refusal of the first failing guard."""
        destination, failing = self._resolve(subject, action, facts)
        if destination is not None:
            return destination
        if failing:
            raise failing[0].error(failing[0].message)
        raise InvalidTransitionError(action, subject.state, self.allowed_actions(subject))

    def can(self, subject: HasState, action: str) -> bool:
        return self._resolve(subject, action)[0] is not None

    def allowed_actions(self, subject: HasState) -> list[str]:
        """Actions valid now by the state machine and its guards (argument rules aside)."""
        return [action for action in self.actions if self.can(subject, action)]

    def edges(self) -> list[tuple[str, str, str]]:
        """(source, destination, action) of every row, for drawing the diagram."""
        return [
            (source, source if row.dest == SAME else row.dest, row.action)
            for row in self.rows
            for source in ([row.source] if isinstance(row.source, str) else row.source)
        ]

    def mermaid(self, title: str) -> str:
        """A Mermaid `stateDiagram-v2` drawn from the very same declaration."""
        graph = GraphMachine(graph_engine="mermaid", show_conditions=True, **self._declaration)
        return graph.get_graph(title=title).draw(None)


def _who_by_action(rows: Iterable[Row]) -> dict[str, frozenset[str] | None]:
    """An action's rows must agree on who takes it: that is said once per action."""
    found: dict[str, frozenset[str] | None] = {}
    for row in rows:
        if row.action in found and found[row.action] != row.who:
            raise ValueError(f"rows of '{row.action}' disagree on who takes it")
        found[row.action] = row.who
    return found
