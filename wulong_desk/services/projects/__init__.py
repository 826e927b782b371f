"""Projects: their settings, progress at a glance, their standard, and the demo and examples."""
