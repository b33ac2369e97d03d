"""Request and response models of the HTTP contract (api.md)."""
