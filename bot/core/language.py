"""Tell Indonesian from English by their most common words; anything unclear keeps the old choice."""

from __future__ import annotations

from bot.core.words import words

_ENGLISH = frozenset(
    "the a an is are was were be been i you my me we our your he she it they them this that "
    "what how where when who why can could would should do does did have has had please "
    "thanks thank hello hi want need help there here with for from about of to in on at and "
    "or not no yes get report lost stolen someone police officer am will just "
    "his her their its us him if but so because by into out up all some any very still yet "
    "since ago now today yesterday tonight last night morning afternoon evening "
    "come came go went gone going home back find found missing "
    # the halves of "hasn't", "didn't"… as the words are split
    "hasn didn doesn don isn wasn haven won "
    # people and things of a report
    "son daughter child kid wife husband mother father brother sister friend man woman guy "
    "house street road market bag money car bike motorbike hit beat took "
    # the office's own matters, as English speakers name them
    "nearest closest shelter evacuation evacuate visiting hours driving licence license "
    "renew wallet passport clearance certificate robbery thief accident".split()
)
_INDONESIAN = frozenset(
    "yang dan di ke dari ini itu apa bagaimana gimana gmn dimana mana kapan siapa kenapa saya "
    "sy aku kami kita anda bapak ibu pak bu min gan mau ingin bisa tidak gak ga nggak enggak "
    "sudah udah belum sedang lagi ada untuk dengan kalau kalo tolong mohon terima kasih "
    "makasih tanya nanya cara syarat bikin buat dong ya nya apakah berapa brp tdk yg dgn utk "
    "lapor laporan hilang juga atau tapi karena jadi akan pada oleh sama banget sekali sejak "
    "kemarin kemaren kmrn tadi td semalam masih rumah anak adik adek kakak suami istri orang "
    "pulang blm udh sdh gk tak "
    # the office's own matters, as citizens name them
    "jam buka tutup jadwal biaya bayar gratis surat kantor polisi perpanjang perpanjangan "
    "kehilangan ilang dicuri maling copet dicopet besuk tahanan berlaku kemana lokasi alamat "
    "harus aja saja sih kok nih kak mas mbak".split()
)


def detect_language(text: str) -> str | None:
    """'en', 'id', or None when the text does not say clearly."""
    said = words(text)
    english = sum(word in _ENGLISH for word in said)
    indonesian = sum(word in _INDONESIAN for word in said)
    if english >= 2 and english > 2 * indonesian:
        return "en"
    if indonesian >= 1 and indonesian >= english:
        return "id"
    return None
