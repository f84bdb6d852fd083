"""The manager's reports on the till: the day's takings, from the local database."""
