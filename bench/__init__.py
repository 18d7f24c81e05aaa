"""The benchmark (``bench/run``). Nothing here is part of the app."""
