"""Cases between computers: case packages, the office server sync, survey sheets, proposals
awaiting review."""
