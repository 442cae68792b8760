"""Pure domain logic: no files, no git, no terminal."""
