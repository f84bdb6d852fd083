"""The data model both sides share: column types, the declarative base, the mirrored tables."""
