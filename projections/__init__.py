"""Read models built from the events: one module per view, kept exactly once by the runner."""
