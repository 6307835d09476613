"""Logging and tracing, configured once per process from settings."""
