"""Demo data for a believable club: `manage.py seed_demo` (SPEC §1, operators)."""
