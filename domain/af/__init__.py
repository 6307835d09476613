"""Arbetsförmedlingen's context: inskrivning, anvisning, stöd, anställning."""
