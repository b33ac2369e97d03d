"""The service around the Casus aggregate: commands, reads, idempotency, concurrency."""
