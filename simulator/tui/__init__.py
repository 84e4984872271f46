"""The Textual app. Only `mockloop` with no subcommand imports this package."""
