"""The production topology on paper: files for `deploy/`, secrets, partition shares."""
