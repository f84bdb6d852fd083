"""Terminal sync: enrolment, exactly-once push of facts, catalog pull by version."""
