"""Planning-system integration (SPEC §6): HTTP client, sync, CSV import/export, push outbox."""
