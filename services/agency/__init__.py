"""What the four agency services share: the application, the edge, the outbox mapping."""
