"""The app skeleton through Pilot: opens on home at 80×24, shows the signed-in manager's day,
keys and palette work, ctrl+q quits."""

from datetime import date

from kjtui import i18n
from kjtui.app import KjtuiApp
from kjtui.models import Manager, Post, Township


async def test_home_on_empty_database(db):
    app = KjtuiApp(db_url="sqlite:///" + db.database)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        who = app.screen.query_one("#who")
        assert str(who.render()) == i18n.t("home.empty_db")


async def test_home_shows_stationed_manager_in_english(db):
    t = Township.create(code="T1", name="上梅镇")
    p = Post.create(code="P1", name="炉观驻点", kind="stationed", township=t)
    Manager.create(code="KJ07", name="周丽娜", gender="F", birth_date=date(1998, 1, 1),
                   education="college", employment="contract", post=p)
    app = KjtuiApp(db_url="sqlite:///" + db.database, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#who").render())
        assert "周丽娜" in text and "KJ07" in text and "Signed in" in text
        assert "Households: 0" in str(app.screen.query_one("#figures").render())
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("ctrl+q")
    assert app.return_code == 0 or app.return_code is None


async def test_palette_lists_places_and_quit(db):
    app = KjtuiApp(db_url="sqlite:///" + db.database, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("Home") for t in titles)
        assert any(t.startswith("Quit") for t in titles)


async def test_starts_straight_on_home_with_its_data_on_the_first_paint(db):
    """No blank default screen switched away from, and no worker round trip before the figures
    show: the home screen reads them while it mounts."""
    Manager.create(code="KJ07", name="周丽娜", gender="F", birth_date=date(1998, 1, 1),
                   education="college", employment="contract",
                   post=Post.create(code="P1", name="炉观驻点", kind="stationed",
                                    township=Township.create(code="T1", name="上梅镇")))
    app = KjtuiApp(db_url="sqlite:///" + db.database, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Only the home mode was ever set up (before, a "_default" mode's blank screen was too).
        assert list(app._screen_stacks) == ["home"]
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen"]
        assert "周丽娜" in str(app.screen.query_one("#who").render())
        await pilot.press("f2")  # already home: stays, nothing reloads
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen"]


async def test_home_reads_again_when_shown_again(db):
    """A visit recorded elsewhere shows in the home figures when the manager comes back (F2)."""
    import notebook_county

    from kjtui.services import day as day_service
    from kjtui.services import visits

    c = notebook_county.build()
    day_service.start_day(c.manager.id, c.today, 12004)
    app = KjtuiApp(db_url="sqlite:///" + db.database, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Households: 0" in str(app.screen.query_one("#figures").render())
        await pilot.press("f7")
        await app.workers.wait_for_complete()
        await pilot.pause()
        visits.record_visit(c.manager.id, c.today, c.customers[0].id, ordered=True, quantity=3)
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        figures = str(app.screen.query_one("#figures").render())
        assert "Households: 1" in figures and "Cartons: 3" in figures
