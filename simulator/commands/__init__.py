"""CLI subcommands, one module per group. Heavy imports stay inside the handlers."""
