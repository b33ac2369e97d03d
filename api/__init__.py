"""The HTTP layer: FastAPI app factory (the composition root), routers, problem+json, CLI."""
