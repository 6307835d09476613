"""Försäkringskassan's context: sjukpenning, aktivitetsersättning, rehabiliteringskedjan."""
