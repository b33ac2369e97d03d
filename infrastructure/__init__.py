"""Adapters to the outside world: settings, storage, encoding, logging and tokens."""
