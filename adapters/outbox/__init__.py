"""The outbox relay: the only way events leave a store for NATS."""
