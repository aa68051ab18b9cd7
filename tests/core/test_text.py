from vern.core.text import norwegian_sort_key


def test_norwegian_alphabetical_order():
    names = ["Ørland", "Aarborte - Hattfjelldal", "Ål", "Zeta", "Æbleby", "Bø", "Alta"]
    assert sorted(names, key=norwegian_sort_key) == [
        "Alta",
        "Bø",
        "Zeta",
        "Æbleby",
        "Ørland",
        "Ål",
        "Aarborte - Hattfjelldal",  # "Aa" is "Å": Ål, then Årborte
    ]
