"""The Textual terminal UI. It holds no rules: it calls the same core/store functions as the CLI."""
