"""Service layer: use cases that combine the store with the pure engines (shared by CLI and web)."""
