"""`POST /contracts/{id}/{action}`: one route per action of `api.contract_commands`, each
answering 200 with the contract as it now stands.

This module keeps its annotations evaluated (no `from __future__ import annotations`):
each route is made by `_route` with its action's body class, which FastAPI must see.
"""

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import Response

from api import schemas
from api.contract_commands import COMMANDS, Command
from api.dependencies import Application, CurrentActor, ExpectedVersion, parse_id
from api.problems import problem_responses
from api.routes.contracts import ContractId, Reply

router = APIRouter(
    prefix="/contracts/{contract_id}",
    tags=["contract actions"],
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 503),
)


def _route(command: Command) -> Callable[..., Response]:
    body_class = command.body

    def act(
        contract_id: ContractId,
        body: body_class,  # type: ignore[valid-type]
        app: Application,
        actor: CurrentActor,
        expected: ExpectedVersion,
        reply: Reply,
    ) -> Response:
        how = {"expected": expected, "once": reply.once}
        return reply(command.run(app.contracts, actor, parse_id(contract_id), body, how))

    return act


for _action, _command in COMMANDS.items():
    router.add_api_route(
        f"/{_action.replace('_', '-')}",  # SPEC §8: approve-amendment, …
        _route(_command),
        methods=["POST"],
        response_model=schemas.ContractOut,
        name=_action,
        summary=_action.capitalize(),
        description=_command.does,
    )
