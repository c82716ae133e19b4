"""pmed_utils: the helper package behind the *AI for personalized medicine* book."""

__version__ = "0.1.0"
