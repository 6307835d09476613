"""``GET /me``: the person's own view, for a ``person`` token only (policy: ``SELF``).

The token names the person; the path names no one, so no other case can be asked for.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.exceptions import NotFoundException, PermissionDeniedException

from adapters.auth.principal import Principal
from services.coordination.contacts import Contacts
from services.coordination.queries_person import OwnView, get_own_view
from services.coordination.reading import CaseReader


def own_person(request: Request[Any, Any, Any]) -> str:
    """The person reference of the caller's ``person`` token."""
    principal: Principal | None = request.scope.get("user")
    if principal is None or principal.person_ref is None:
        # Only reachable without the auth guard: the policy lets only persons in.
        raise PermissionDeniedException("only the person themself reads their own view")
    return principal.person_ref


def own_view_router(reader: CaseReader, contacts: Contacts) -> Router:
    @get(
        "/me",
        sync_to_thread=True,
        tags=["person"],
        summary="The person's own case in plain Swedish (a person token)",
    )
    def get_me(request: Request[Any, Any, Any]) -> OwnView:
        view = get_own_view(reader, contacts, own_person(request))
        if view is None:
            raise NotFoundException("Det finns inget ärende om dig ännu.")
        return view

    return Router(path="/", route_handlers=[get_me])
