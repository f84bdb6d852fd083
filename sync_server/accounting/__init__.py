"""Chart of accounts, journals that must balance, balances, bank accounts (schema ``acct``)."""
