"""The Textual app. Only `mockloop` (no subcommand) and `mockloop run/resume` import this package.

`app.make_app()` builds it for the CLI and the tests; `app.run_app()` runs it.
"""
