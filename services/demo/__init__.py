"""A realistic demo caseload, loaded through the agencies' own HTTP APIs (``samlad up --demo``)."""
