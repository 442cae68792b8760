"""curator: candidate export controls on emerging technologies, weighed, discussed and published."""

__version__ = "0.1.0"
