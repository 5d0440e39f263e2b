"""Identity: accounts and passwords (身份与口令)."""
