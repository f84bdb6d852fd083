"""Stock at this till's store: the level it shows and a manager's moves (goods in,
adjustments, counts). No Qt here."""
