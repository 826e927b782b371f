"""Money over time: payment terms, what is owed and due, the events that make it owed (moves,
delays), payments, the exchange houses."""
