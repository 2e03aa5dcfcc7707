"""`python -m retail_stage`."""

from retail_stage.cli import main

main()
