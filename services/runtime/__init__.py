"""What every service process shares: the clock, NATS workers, the app scaffolding."""
