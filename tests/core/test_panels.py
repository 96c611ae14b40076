"""Page panels: keyed registration into known slots only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core import panels as panel_registry
from core.panels import Panel, ShownPanel, panels, register_panel


@pytest.fixture
def clean() -> Iterator[None]:
    saved = dict(panel_registry._registry)
    yield
    panel_registry._registry.clear()
    panel_registry._registry.update(saved)


@pytest.mark.usefixtures("clean")
def test_a_key_registered_twice_shows_once_and_none_shows_nothing():
    register_panel(Panel(slot="event_facts", key="t.a", template="a.html", data=lambda **k: 1))
    register_panel(Panel(slot="event_facts", key="t.a", template="a.html", data=lambda **k: k))
    register_panel(Panel(slot="event_facts", key="t.b", template="b.html", data=lambda **k: None))

    shown = [p for p in panels("event_facts", schedule_id=7) if p.template in {"a.html", "b.html"}]

    assert shown == [ShownPanel(template="a.html", data={"schedule_id": 7})]


@pytest.mark.usefixtures("clean")
def test_an_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="Unknown panel slot 'dashbord'"):
        register_panel(Panel(slot="dashbord", key="t.x", template="x.html", data=lambda: 1))
