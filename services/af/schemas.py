"""Command bodies of Arbetsförmedlingen's API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from domain.agencies import InterventionType
from services.agency.schemas import Command, Id, PeriodEnd, Text

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Deregister(Command, kw_only=True):
    reason: Text
    reason_code: Id | None = None


class MakeReferral(Command, kw_only=True):
    """Anvisning to a programme at one of AF's contracted providers."""

    programme: Name
    provider: Name
    intervention_type: InterventionType
    referral_id: Id | None = None


class EndReferral(Command, kw_only=True):
    further_support_needed: bool = False


class DecideSubsidy(Command, kw_only=True):
    subsidy_kind: Literal["lonestod", "anstallningsstod", "introduktionsjobb"]
    employer: Name
    period_from: date
    period_to: PeriodEnd
    subsidy_id: Id | None = None


class StartEmployment(Command, kw_only=True):
    employer: Name
    subsidised: bool = False
