"""curator: candidate export controls on emerging technologies, weighed, discussed and published."""

__version__ = "0.1.0"
# the name on the package index (`curator` there is another project): what `pip install` takes
DISTRIBUTION = "export-control-curator"
