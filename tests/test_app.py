"""The app skeleton through Pilot: opens on home at 80×24, shows the signed-in manager's day,
keys and palette work, ctrl+q quits."""

from datetime import date

from pilot_wait import on_screen, until
from textual.command import CommandList

from kjtui import i18n
from kjtui.models import Manager, Post, Township


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def stationed_manager() -> None:
    Manager.create(code="KJ07", name="周丽娜", gender="F", birth_date=date(1998, 1, 1),
                   education="college", employment="contract",
                   post=Post.create(code="P1", name="炉观驻点", kind="stationed",
                                    township=Township.create(code="T1", name="上梅镇")))


async def test_home_on_empty_database(app_for, db):
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, "HomeScreen")
        assert shown(app, "#who") == i18n.t("home.empty_db")


async def test_home_shows_stationed_manager_in_english(app_for, db):
    stationed_manager()
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, "HomeScreen")
        text = shown(app, "#who")
        assert "周丽娜" in text and "KJ07" in text and "Signed in" in text
        assert "Households: 0" in shown(app, "#figures")
        await pilot.press("f1")
        await until(pilot, lambda: app.screen.query("HelpPanel"), "the keys shown")
        await pilot.press("ctrl+q")
    assert app.return_code == 0  # quit by the key, not by the end of the test


async def run_from_palette(app, pilot, query: str) -> None:
    """Open the palette, type `query`, run the first command it offers."""
    await pilot.press("ctrl+p")
    palette = await on_screen(pilot, "Palette")
    await pilot.press(*query)
    await until(pilot, lambda: palette.query_one(CommandList).option_count, f"hits for {query}")
    await pilot.press("down", "enter")


async def test_the_palette_lists_the_places_and_runs_the_command_chosen(app_for, db):
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, "HomeScreen")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("Home") for t in titles)
        assert any(t.startswith("Quit") for t in titles)
        await run_from_palette(app, pilot, "Week")
        await until(pilot, lambda: app.current_mode == "week"
                    and type(app.screen).__name__ == "WeekScreen", "on Week")
        await run_from_palette(app, pilot, "Quit")
    assert app.return_code == 0  # the palette's Quit ran


async def test_starts_straight_on_home_with_its_data_on_the_first_paint(app_for, db):
    """No blank default screen switched away from, and no worker round trip before the figures
    show: the home screen reads them while it mounts."""
    stationed_manager()
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        home = await on_screen(pilot, "HomeScreen")
        # Home is the first mode (before, a "_default" mode's blank screen came first).
        assert app.current_mode == "home"
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen"]
        assert "周丽娜" in shown(app, "#who")
        await pilot.press("f2")  # already home: stays, nothing reloads
        await until(pilot, lambda: True, "nothing running")
        assert app.current_mode == "home" and app.screen is home
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen"]


async def test_home_reads_again_when_shown_again(app_for, db):
    """A visit recorded elsewhere shows in the home figures when the manager comes back (F2)."""
    import notebook_county

    from kjtui.services import day as day_service
    from kjtui.services import visits

    c = notebook_county.build()
    day_service.start_day(c.manager.id, c.today, 12004)
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, "HomeScreen")
        assert "Households: 0" in shown(app, "#figures")
        await pilot.press("f7")
        await on_screen(pilot, "WeekScreen")
        visits.record_visit(c.manager.id, c.today, c.customers[0].id, ordered=True, quantity=3)
        await pilot.press("f2")
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen"
                    and "Households: 1" in shown(app, "#figures"), "home read again")
        assert "Cartons: 3" in shown(app, "#figures")
