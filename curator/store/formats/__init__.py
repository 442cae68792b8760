"""The file formats of a list and how they are written: TOML as text, the JSON Schemas, reading
and validating one file, canonical writing, atomic writes. Imports nothing else of the store."""
