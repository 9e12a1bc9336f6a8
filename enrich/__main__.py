"""``python -m enrich`` runs the command-line interface."""

from enrich.cli import main

main()
