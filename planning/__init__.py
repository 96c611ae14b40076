"""Planning-system integration (docs/planning-system.md): HTTP client, sync, CSV import/export,
push outbox."""
