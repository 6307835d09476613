"""The case workers' UI in process: pages, live stream and the timeline read path."""
