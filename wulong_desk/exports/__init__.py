"""Documents made from the stored calculation records: xlsx ledgers and notices, PDFs. Qt-free."""
