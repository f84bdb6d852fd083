"""HQ's reports over what the terminals sent: takings by day, store, terminal and tender."""
