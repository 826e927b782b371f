"""The use cases: what the CLI and the window both call (no Qt here)."""
