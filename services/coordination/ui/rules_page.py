"""The board's page (regler och tänk-om): the policy in force and its history, and the
what-if replay of the real history under thresholds typed into a form.

The comparison form is a GET (the thresholds in the URL carry no personal data, so a
comparison can be linked and run again). Below a comparison the board (never an
auditor) can put the tried thresholds in force, with the decision's reference: the same
command as ``POST /rules``. Only the board and auditors reach the page; the replay runs
in a worker thread.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template

from adapters.auth.principal import Role
from domain.case.policy import THRESHOLDS, InvalidPolicyError
from services.audit.what_if import what_if
from services.coordination.application import CoordinationApplication
from services.coordination.ui import labels
from services.coordination.ui.viewer import Viewers
from services.runtime.clock import Clock

AnyRequest = Request[Any, Any, Any]
RULE_THRESHOLDS = [t for t in THRESHOLDS if t.rule != "early_warning"]


def rules_page_router(app: CoordinationApplication, viewers: Viewers, clock: Clock) -> Router:
    @get("/ui/regler", sync_to_thread=True, include_in_schema=False)
    def rules_page(request: AnyRequest) -> Template | Redirect:
        viewer = viewers.of(request)
        if viewer is None:
            return Redirect(path="/ui/login")
        if not viewer.tries_rules:
            raise PermissionDeniedException("sidan är till för styrelsen och revisorer")
        now = clock()
        in_force = app.policy_in_force(now)
        current = in_force.policy.thresholds()
        asked = {t.name: request.query_params.get(t.name, "").strip() for t in RULE_THRESHOLDS}
        error, report, proposed = None, None, dict(current)
        if any(asked.values()):
            try:
                changes = {
                    name: int(value)
                    for name, value in asked.items()
                    if value and int(value) != current[name]
                }
                proposed.update(changes)
                report = what_if(app, changes, now)
            except ValueError:
                error = "Ange hela dagar."
            except InvalidPolicyError as invalid:
                error = str(invalid)
        return Template(
            template_name="rules.html",
            context={
                "viewer": viewer,
                "thresholds": RULE_THRESHOLDS,
                "early": [t for t in THRESHOLDS if t.rule == "early_warning"],
                "in_force": in_force,
                "current": current,
                "proposed": proposed,
                "history": list(reversed(app.policy_history())),
                "report": report,
                "error": error,
                "rule_labels": {str(k): v for k, v in labels.RULES.items()},
                "decides": viewer.role == Role.BOARD,
                "decided": request.query_params.get("beslut"),
            },
        )

    @post("/ui/regler/beslut", include_in_schema=False)
    async def decide(request: AnyRequest) -> Redirect:
        viewer = viewers.of(request)
        if viewer is None:
            return Redirect(path="/ui/login")
        if viewer.role != Role.BOARD:
            raise PermissionDeniedException("bara styrelsen beslutar om regelverket")
        form = await request.form()
        current = app.policy_in_force().policy.thresholds()
        try:
            asked = {t.name: int(str(form.get(t.name, current[t.name]))) for t in RULE_THRESHOLDS}
        except ValueError:
            return Redirect(path="/ui/regler?beslut=ogiltigt", status_code=303)
        changes = {name: value for name, value in asked.items() if value != current[name]}
        if not changes:
            return Redirect(path="/ui/regler?beslut=oforandrat", status_code=303)
        try:
            version = await asyncio.to_thread(
                app.change_policy,
                changes,
                changed_by=viewer.subject,
                reason=str(form.get("reason", "")).strip(),
                now=clock(),
            )
        except InvalidPolicyError:
            return Redirect(path="/ui/regler?beslut=ogiltigt", status_code=303)
        return Redirect(path=f"/ui/regler?beslut={version.version}", status_code=303)

    return Router(path="/", route_handlers=[rules_page, decide])
