"""One module per command: `report(result) -> Report`."""
