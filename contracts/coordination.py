"""Events the coordination service publishes (agency token ``coordination``)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from contracts.base import Agency, AwareDatetime, Id, IntegrationEvent, Name, Text

Rule = Annotated[
    Name,
    msgspec.Meta(
        description=(
            "Gap rule (mellan stolarna), e.g. 'hand_off_unanswered', 'no_one_holds_case', "
            "'benefit_gap', 'duplicated_intervention', 'no_lead', 'contact_lost', "
            "'ended_without_next_step'. New rules may appear without a new version."
        )
    ),
]


class AlertRaised(IntegrationEvent, frozen=True, kw_only=True):
    """Larm: a gap rule found that the person risks falling between the chairs."""

    alert_id: Annotated[Id, msgspec.Meta(description="Id of the alert.")]
    rule: Rule
    agencies: Annotated[
        list[Agency],
        msgspec.Meta(
            description=(
                "Agencies expected to act: the alert's recipients, named in its subject."
            )
        ),
    ]
    since: Annotated[AwareDatetime, msgspec.Meta(description="When the gap began.")]
    due_at: Annotated[AwareDatetime, msgspec.Meta(description="When the gap becomes overdue.")]
    message: Annotated[Text, msgspec.Meta(description="Human-readable text, no personal data.")]


class AlertResolved(IntegrationEvent, frozen=True, kw_only=True):
    """Larm åtgärdat: the condition of the alert no longer holds."""

    alert_id: Annotated[Id, msgspec.Meta(description="Id of the alert.")]
    rule: Rule
    resolved_at: Annotated[AwareDatetime, msgspec.Meta(description="When it was resolved.")]
    agencies: Annotated[
        list[Agency],
        msgspec.Meta(description="Agencies the alert concerned: those it was raised to."),
    ] = msgspec.field(default_factory=list)


COORDINATION_EVENTS: tuple[type[IntegrationEvent], ...] = (AlertRaised, AlertResolved)
