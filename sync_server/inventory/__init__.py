"""Items and their barcodes and taxes, locations, the stock ledger (schema ``inv``)."""
