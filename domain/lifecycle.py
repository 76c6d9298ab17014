"""A lifecycle declared once as a `transitions` machine and used only as a declaration.

The machine is never bound to an aggregate (it would set state behind the event log's
back and break snapshots). Aggregates ask it which state an action leads to and which
actions are possible now; diagrams are drawn from the same declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from transitions import Machine
from transitions.extensions import GraphMachine

from domain.errors import ConflictError, InvalidTransitionError


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


class Lifecycle:
    def __init__(
        self,
        states: Sequence[str],
        transitions: Sequence[dict[str, Any]],
        initial: str,
        automatic: Iterable[str] = (),
    ) -> None:
        self._declaration = {
            "states": list(states),
            "transitions": list(transitions),
            "initial": initial,
            "auto_transitions": False,
        }
        self.machine = Machine(model=None, send_event=False, **self._declaration)
        self.states = tuple(states)
        self.initial = initial
        automatic = set(automatic)
        self.actions = tuple(name for name in self.machine.events if name not in automatic)

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

    def mermaid(self, title: str) -> str:
        """A Mermaid `stateDiagram-v2` drawn from the very same declaration."""
        graph = GraphMachine(graph_engine="mermaid", show_conditions=True, **self._declaration)
        return graph.get_graph(title=title).draw(None)
