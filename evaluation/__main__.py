"""`python -m evaluation <command>`."""

from evaluation.cli import main

raise SystemExit(main())
