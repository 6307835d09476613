"""The Jinja setup of the UI: where templates live, and the Swedish filters they use."""

from __future__ import annotations

from pathlib import Path

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from services.coordination import plain_swedish
from services.coordination.ui import labels
from services.coordination.ui.room import TARGET_GROUPS, target_group_label
from services.coordination.ui.viewer import AGENCY_NAMES

TEMPLATE_DIR = Path(__file__).parent / "templates"


def _humanize(key: object) -> str:
    """A details key (``dag_i_rehabkedjan``) as a label (``Dag i rehabkedjan``)."""
    text = str(key).replace("_", " ")
    return text[:1].upper() + text[1:]


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters.update({
        "agency_name": labels.agency_name, "agency_short": labels.agency_short,
        "rule_label": labels.rule_label, "day": labels.day, "moment": labels.moment,
        "outcome": lambda value: labels.OUTCOMES.get(str(value), str(value)),
        "humanize": _humanize, "plain_day": plain_swedish.day,
    })
    env.filters["target_group"] = target_group_label
    env.globals.update({
        "rule_labels": {str(rule): label for rule, label in labels.RULES.items()},
        "agency_names": {str(agency): name for agency, name in AGENCY_NAMES.items()},
        "target_groups": TARGET_GROUPS,
    })


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Autoescaping is on for .html (Jinja's default in Litestar): every value is text."""
    return TemplateConfig(
        directory=TEMPLATE_DIR, engine=JinjaTemplateEngine, engine_callback=_configure
    )
