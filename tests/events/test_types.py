import pytest

from events.types import EventType, detect_event_type, event_number


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("606034-CORE-Super Pretzel", EventType.CORE),
        ("606036-CORE-Kirkland Trail Mix", EventType.CORE),
        ("606034-Supervisor-Super Pretzel", EventType.SUPERVISOR),
        ("606034-SUPERVISOR-Core Crunch Cereal", EventType.SUPERVISOR),
        ("606034-V2-SUPER-Super Pretzel", EventType.SUPERVISOR),
        ("606990-JUICER-Production Fresh Juice", EventType.JUICER_PRODUCTION),
        ("606991-JUICER-SURVEY Fresh Juice", EventType.JUICER_SURVEY),
        ("606991-Juicer Survey-Fresh Juice", EventType.JUICER_SURVEY),
        ("607001-FREEOSK-Sample Kiosk Refill", EventType.FREEOSK),
        ("607002-DIGITAL SETUP-Endcap Screens", EventType.DIGITAL_SETUP),
        ("607002-Digital Refresh-Endcap Screens", EventType.DIGITAL_REFRESH),
        ("607003-DIGITAL TEARDOWN-Endcap Screens", EventType.DIGITAL_TEARDOWN),
        ("607009-DIGITALS-Endcap Screens", EventType.DIGITALS),
        ("607009-DIGITAL-Endcap Screens", EventType.DIGITALS),
        ("607004-Store Walkthrough", EventType.OTHER),
        ("", EventType.OTHER),
        # The product name never decides the type when the type segment does.
        ("606034-CORE-Supervisor Snack Mix", EventType.CORE),
        ("606034-FREEOSK-Core Power Shake", EventType.FREEOSK),
        # Keywords are whole words: "CorePower" and "Hardcore" are not CORE.
        ("Hardcore Corepower Tasting", EventType.OTHER),
        # Names without the usual shape still fall back to a whole-name search.
        ("Core demo at club 8135", EventType.CORE),
        ("juicer survey", EventType.JUICER_SURVEY),
    ],
)
def test_detect_event_type(name: str, expected: EventType) -> None:
    assert detect_event_type(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("606034-CORE-Super Pretzel", "606034"),
        ("606034-Supervisor-Super Pretzel", "606034"),
        ("  606034-Supervisor-Super Pretzel", "606034"),
        ("6060345-CORE-Seven Digits", ""),
        ("60603-CORE-Five Digits", ""),
        ("Store Walkthrough 606034", ""),
        ("", ""),
    ],
)
def test_event_number(name: str, expected: str) -> None:
    assert event_number(name) == expected
