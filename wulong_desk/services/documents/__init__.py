"""What the exports are fed: the records loaded for the writers, the ledger and notices as use
cases, and the ledger check."""
