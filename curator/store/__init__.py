"""Files and git: reading lists, canonical writing, atomic writes, git plumbing."""
