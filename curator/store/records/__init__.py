"""The records a committee keeps: discussion, public comments, provenance, the roster, edits,
publication destinations. May import git, index and formats."""
