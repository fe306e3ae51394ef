"""The county office's screens (the desk): the month's close, the county's data in."""
