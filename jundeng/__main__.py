"""``python -m jundeng …`` (and the driver file for ``spark-submit``): the command line."""

from jundeng.cli import main

if __name__ == "__main__":
    main()
