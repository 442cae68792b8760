"""Git: plumbing, a list at any revision, the repository's set-up, the merge and diff drivers,
sync, who you are. May import index and formats."""
