"""Setting up: a new list (scaffold), your settings, which list a command works on. May import
any other room of the store."""
