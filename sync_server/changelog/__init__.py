"""The catalog change log: versions and the changes terminals pull, below every domain."""
