"""The case workers' web UI, served by the coordination service (Swedish, server-rendered)."""

from services.coordination.ui.controller import ui_router
from services.coordination.ui.templating import template_config

__all__ = ["template_config", "ui_router"]
