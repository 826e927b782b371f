"""Command-line subcommands. Each module registers its parser and runs one use case."""
