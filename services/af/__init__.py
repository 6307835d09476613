"""The Arbetsförmedlingen service: inskrivning, anvisning, stöd, anställning."""
