import sys

from parley.cli import main

if __name__ == "__main__":  # not when dask's worker processes (spawned) import the main module
    sys.exit(main())
