"""One router per resource; `api.app.create_app` mounts them under `/api/v1`."""

# On each router rather than at `include_router`: the route's own `path` is then the full
# template, which the access log reports (`scope["route"].path`).
API_PREFIX = "/api/v1"
