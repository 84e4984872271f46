"""Use cases between the core (engine, grading, store, content, llm, domain) and the front ends.

`Workspace` (built from one `Settings`) owns the library, graders, interviewer and directories;
the commands, plain mode and the app call it and the modules here, and hold no use-case logic.
Importing this package imports nothing else: each module is imported where it is used.
"""
