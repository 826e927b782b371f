"""A case: its record, the one owner of its changes (`changes.py`), its stages, its form and
history."""
