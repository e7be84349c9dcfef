"""pocketcloud: the AWS cloud on one machine."""

__version__ = "0.1.0"
