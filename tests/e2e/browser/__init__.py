"""Browser tests of the case workers' UI."""
