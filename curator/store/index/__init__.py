"""The index of a list: where its files are, what each parsed to, its stat stamp and blob id,
which controls each file's checks looked at; loading a list and the incremental check.
Imports formats (and processes) only."""
