"""``/ui/catalogue``: the shared catalogue (insatskatalog) for case workers, by agency and
target group, offerings with free places first."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from services.coordination.application import CoordinationApplication
from services.coordination.catalogue import get_offerings
from services.coordination.ui.viewer import Viewers
from services.runtime.clock import Clock

AnyRequest = Request[Any, Any, Any]


class CatalogueFilter(msgspec.Struct, frozen=True, kw_only=True):
    agency: str = ""
    target_group: str = ""
    all_offerings: bool = False
    """Also offerings that are full (no free place today)."""

    @property
    def active(self) -> bool:
        return bool(self.agency or self.target_group or self.all_offerings)


def catalogue_page_router(app: CoordinationApplication, viewers: Viewers, clock: Clock) -> Router:
    @get("/ui/catalogue", sync_to_thread=True, include_in_schema=False)
    def catalogue_page(
        request: AnyRequest,
        agency: FromQuery[str | None] = None,
        target_group: FromQuery[str | None] = None,
        all_offerings: FromQuery[bool] = False,
    ) -> Template | Redirect:
        viewer = viewers.of(request)
        if viewer is None:
            return Redirect(path="/ui/login")
        where = CatalogueFilter(
            agency=agency or "", target_group=target_group or "", all_offerings=all_offerings
        )
        rows = get_offerings(
            app,
            day=clock().date(),
            agency=where.agency or None,
            target_group=where.target_group or None,
            with_room=not where.all_offerings,
        )
        return Template(
            template_name="catalogue.html",
            context={
                "viewer": viewer,
                "where": where,
                "rows": rows,
            },
        )

    return Router(path="/", route_handlers=[catalogue_page])
