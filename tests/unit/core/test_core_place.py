import pytest

from bot.core.place import PlaceSaid, place_said


@pytest.mark.parametrize(
    ("text", "phrase", "name"),
    [
        ("hp sy dijambret di jalan sudirman td pagi jam 7", "di jalan sudirman", "jalan sudirman"),
        ("maling masuk di rumah saya tadi malam", "di rumah saya", "rumah saya"),
        (
            "dibegal di jalan raya bogor km 30 arah depok",
            "di jalan raya bogor km 30",
            "jalan raya bogor km 30",
        ),
        ("motor saya di curi di parkiran pasar", "di parkiran pasar", "parkiran pasar"),
        (
            "dipukul orang di depan warung kopi, pelakunya kabur",
            "di depan warung kopi",
            "warung kopi",
        ),
        (
            "dompet dicopet di Jl. Merdeka no. 10 kemarin",
            "di jl. merdeka no. 10",
            "jl. merdeka no. 10",
        ),
        ("ditodong dekat SPBU Cibinong. Pelakunya 2 orang", "dekat spbu cibinong", "spbu cibinong"),
        (
            "my bag was snatched at the bus terminal last night",
            "at the bus terminal",
            "bus terminal",
        ),
        ("someone stole my motorbike from the parking lot", "from the parking lot", "parking lot"),
        ("robbed at home 2 days ago", "at home", "home"),
        (
            "my bag was snatched near the night market entrance",
            "near the night market entrance",
            "night market entrance",
        ),
        ("my phone was stolen at the villa in Canggu", "at the villa in canggu", "villa in canggu"),
        ("I was mugged in front of my house", "in front of my house", "house"),
        ("dicopet di pasar 10 menit yang lalu", "di pasar", "pasar"),
        ("dijambret di pinggir jalan raya", "di pinggir jalan raya", "jalan raya"),
        ("bro, motor gw kena begal td mlm di flyover", "di flyover", "flyover"),
        # Javanese
        ("lur, motorku ilang neng parkiran pasar", "neng parkiran pasar", "parkiran pasar"),
        ("motorku dicolong wong nang ngarep omah wingi", "nang ngarep omah", "omah"),
        # what it is like, or what was done there, ends it
        (
            "lampu merah di perempatan pasar mati dari pagi",
            "di perempatan pasar",
            "perempatan pasar",
        ),
        ("tolong lampu jalan di depan polsek diperbaiki", "di depan polsek", "polsek"),
        ("ada yg mabuk di pos ronda masih rame", "di pos ronda", "pos ronda"),
        # the time or the next clause ends it
        (
            "ada transaksi narkoba di kos sebelah tiap malam",
            "di kos sebelah",
            "kos sebelah",
        ),
        ("anak sy kena bully di sekolah sampe luka, mau lapor", "di sekolah", "sekolah"),
        ("ada yg mabuk di pos ronda mau lapor bisa?", "di pos ronda", "pos ronda"),
        ("drugs sold at the park every night", "at the park", "park"),
        ("motor ditarik leasing di jalan tanpa surat", "di jalan", "jalan"),
        ("parkir liar di depan rs minta 10rb, itu pungli kan", "di depan rs", "rs"),
        ("robbed at the station but nobody helped", "at the station", "station"),
        (
            "ada mobil parkir di depan rumah saya 3 hari gak dipindah",
            "di depan rumah saya",
            "rumah saya",
        ),
        ("dibegal di jalan raya km 30 2x bulan ini", "di jalan raya km 30", "jalan raya km 30"),
    ],
)
def test_the_first_place_named_from_its_lead(text: str, phrase: str, name: str) -> None:
    assert place_said(text) == PlaceSaid(phrase, name)


@pytest.mark.parametrize(
    "text",
    [
        "motor saya dicuri tadi malam",
        "saya ditipu di facebook",  # online: no place to ask about
        "rumah saya kemalingan",  # a place, but not where it happened
        "at 9pm in the morning",
        "",
    ],
)
def test_no_place_is_none(text: str) -> None:
    assert place_said(text) is None
