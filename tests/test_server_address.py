"""An office server's address in its parts and back (the login screen's fields)."""

from wulong_desk.server_address import ServerAddress, is_server_url, split_address


def test_a_remembered_address_fills_the_fields():
    parts = split_address("postgresql://wang@10.0.0.5:6543/wulong")
    assert parts == ServerAddress("10.0.0.5", 6543, "wulong", "wang")
    assert parts.text() == "postgresql://wang@10.0.0.5:6543/wulong"
    assert is_server_url(parts.text())


def test_the_port_is_5432_unless_the_address_says_otherwise():
    assert split_address("postgresql://li@server/office").port == 5432
