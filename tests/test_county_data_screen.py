"""The county's data in on the administrator's desk (kjtui/screens/desk/county_data.py): a sheet
picked from the folder's list, checked with every error on its row and column and nothing
written, imported with the good rows only when asked, and the customers the sheet leaves out
retired only after the question is answered yes."""

from __future__ import annotations

import county_small
import pytest
from pilot_wait import until
from screen_cells import text
from sync_support import dump
from test_county_import import BAD, CUSTOMERS, xlsx

from kjtui.models import Customer, close
from kjtui.services import import_desk


def said(app) -> str:
    """The screen's words with its line breaks as spaces (a long line wraps at 80 columns)."""
    return " ".join(text(app).split())


@pytest.fixture
def hub(db, tmp_path):
    county_small.build(with_week=False)
    folder = tmp_path / "sheets"
    folder.mkdir()
    xlsx(folder / "bad.xlsx", "customers", BAD)
    xlsx(folder / "one.xlsx", "customers", CUSTOMERS[:1])
    (folder / "notes.txt.bak").write_text("not a sheet")
    return db, folder


def test_the_sheets_of_a_folder_newest_first(hub):
    import os

    _, folder = hub
    os.utime(folder / "bad.xlsx", (1_700_000_000, 1_700_000_000))
    found = import_desk.sheets_in(str(folder))
    assert [f.name for f in found.files] == ["one.xlsx", "bad.xlsx"]
    assert import_desk.sheets_in(str(folder / "one.xlsx")).path == str(folder)


async def pick(app, pilot, folder, name):
    await pilot.press("ctrl+d")
    await until(pilot, lambda: app.screen.query("#data-path"))
    app.screen.query_one("#data-path").value = str(folder)
    await pilot.press("enter")
    await until(pilot, lambda: name in text(app), "the folder's sheets listed")
    table = app.screen.query_one("#data-files")
    row = next(i for i in range(table.row_count) if table.get_row_at(i)[0].plain == name)
    table.move_cursor(row=row)
    await pilot.press("enter")


async def test_every_error_on_its_row_and_column_nothing_written_then_the_good_rows(app_for,
                                                                                   hub):
    db, folder = hub
    before = dump(db.database)
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pick(app, pilot, folder, "bad.xlsx")
        await until(pilot, lambda: "5 rows have errors (11 in all), nothing written" in said(app))
        assert app.screen.query_one("#data-progress").percentage == 1  # read and checked
        issues = app.screen.query_one("#data-issues")
        rows = [[str(c) for c in issues.get_row_at(i)] for i in range(issues.row_count)]
        assert ["4", "Manager code", "KJ99", "no manager with this code"] in rows
        assert rows[0] == ["2", "Licence no.", "4313221", "a licence number is 12 digits"]
        issues.focus()  # the whole sentence of the error under the cursor, below the table
        await pilot.press("down")
        await until(pilot, lambda: "Row 3, column “Shop name”: required: it cannot be empty"
                    in said(app))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "5 rows have errors (11 in all); nothing was written"
                    in said(app))
        assert dump(db.database) == before
        await pilot.press("ctrl+g", "ctrl+s")
        await until(pilot, lambda: "Imported: 1 new" in said(app))
        assert "5 rows with errors left out" in said(app)
    close()
    assert Customer.select().where(Customer.licence_no == "431322300012").exists()


async def test_customers_left_out_are_retired_only_when_confirmed(app_for, hub):
    db, folder = hub
    app = app_for(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pick(app, pilot, folder, "one.xlsx")
        await until(pilot, lambda: "8 active customers the sheet does not list" in said(app))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Imported:" in said(app))
        assert Customer.select().where(Customer.active == True).count() == 9
        await pilot.press("ctrl+b")
        await until(pilot, lambda: "Retire the 8 customers" in said(app))
        await pilot.press("n")
        await until(pilot, lambda: "Retire the 8 customers" not in said(app))
        assert Customer.select().where(Customer.active == True).count() == 9
        await pilot.press("ctrl+b")
        await until(pilot, lambda: "Retire the 8 customers" in said(app))
        await pilot.press("y")
        await until(pilot, lambda: "8 retired" in said(app))
    close()
