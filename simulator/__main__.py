"""`python -m simulator` is the same as the `mockloop` command."""

from simulator.cli import main

raise SystemExit(main())
