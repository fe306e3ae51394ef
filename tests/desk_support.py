"""Signing in at the county hub's keyboard, as the desk's Pilot tests need before any place
opens (kjtui/screens/signin.py)."""

from __future__ import annotations

from pilot_wait import on_screen

PASSWORD = "correct horse"


async def sign_in(pilot, name: str, password: str = PASSWORD) -> None:
    """Type the account and password into the sign-in screen; wait for Home."""
    await on_screen(pilot, "SignInScreen")
    await pilot.click("#signin-account")
    await pilot.press(*name, "enter", *password, "enter")
    await on_screen(pilot, "HomeScreen")
