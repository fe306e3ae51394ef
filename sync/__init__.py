"""Sync between stations and the county hub: journal, bundles, crypto, hub and client.
Never imports textual."""
