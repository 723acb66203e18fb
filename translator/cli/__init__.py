"""Command-line interface: parses arguments, calls the library, renders results. No business logic."""
