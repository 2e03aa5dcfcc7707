"""`python -m retail_stage`."""

from retail_stage.cli import main

if __name__ == "__main__":
    main()
