"""Finding what to sell: barcode and scale-label lookup, search as you type, demo catalog."""
