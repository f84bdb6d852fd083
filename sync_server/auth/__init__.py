"""Authentication (JWT over argon2-hashed passwords) and role-based permissions."""
