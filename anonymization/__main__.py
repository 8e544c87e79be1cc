"""`python -m anonymization <command>`."""

from anonymization.cli import main

raise SystemExit(main())
