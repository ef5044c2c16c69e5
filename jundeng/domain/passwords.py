"""The password policy: what an account's password must be, checked wherever a password is set.

A password is normalised to Unicode NFKC before it is checked, hashed or verified (so that a full-width
``１２３`` typed with a Chinese input method is the same password as ``123``), then it must

- have at least :data:`MIN_LENGTH` (10) and at most :data:`MAX_LENGTH` (256) characters: NIST SP 800-63B
  asks for 8 at least and for long passwords to be allowed; 10 is our floor because these accounts
  publish official figures and sign in with a password alone;
- contain no invisible character (controls, zero-width and other format characters such as U+200B–U+200D,
  U+2060 and U+FEFF, line or paragraph separators, private-use or unassigned code points), not start or end
  with a space, and not be blank;
- use at least :data:`MIN_DISTINCT` (4) different characters (``aaaaaaaaaa``, ``1212121212`` are refused);
- not be a common password (the list below, compared case-insensitively), nor a common password padded
  with digits or punctuation (``Password2024!``, ``qwerty123456``);
- not contain the user name (case-insensitively, for names of three characters or more).

The list is ours, written from the passwords that every published leak analysis puts on top (keyboard
runs, digit runs, ``password``/``admin`` variants, and the pinyin favourites of Chinese leaks such as
``woaini1314``); short ones are refused by the length rule anyway and stay here as the cores of padded forms.
"""

from __future__ import annotations

import string
import unicodedata

from jundeng.errors import JundengError

MIN_LENGTH = 10
MAX_LENGTH = 256
MIN_DISTINCT = 4
INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})  # Unicode general categories refused
PADDING = string.digits + string.punctuation + " "

_COMMON_TEXT = """
    123456 1234567 12345678 123456789 1234567890 0123456789 9876543210 0987654321 12345678910 1234567891
    111111 1111111111 000000 0000000000 666666 888888 8888888888 5201314 1314520 520520 1314521 5211314
    1122334455 1234512345 1234554321 1357924680 147258369 159357 789456123 741852963 12344321
    123123 123123123 123321 654321 987654321 112233 121212 123654 147852 159753 456789 11223344 52013145201314
    password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword pa55word pass1234
    passport passwort motdepasse contrasena mypassword newpassword oldpassword secret secret123 changeme
    changeit default letmein letmein123 welcome welcome1 welcome123 welcome2024 trustno1 iloveyou
    iloveyou1 iloveyou2 admin admin1 admin123 admin1234 admin12345 admin888 admin666 administrator root
    toor superuser super guest guest123 user user123 test test123 test1234 testtest tester demo demo123
    qwerty qwerty1 qwerty12 qwerty123 qwerty1234 qwertyui qwertyuiop qwertyuiop123 qwert qwer1234 1234qwer
    asdf asdfgh asdfghjk asdfghjkl asdf1234 1234asdf asdfasdf zxcvbn zxcvbnm zxcvbnm123 zxcv1234 zxcvzxcv
    qazwsx qazwsxedc qazwsxedcrfv 1qaz2wsx 1qaz2wsx3edc 1qaz2wsx3edc4rfv 1qazxsw2 zaq12wsx zaq1xsw2
    !qaz2wsx 1q2w3e 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 qweasd qweasdzxc qweqwe qwe123
    qwe123456 qwe123456789 asd123 asd123456 asd123456789 zxc123 zxc123456 zxc123456789 abc123 abc1234
    abc12345 abc123456 abc123456789 abcd1234 abcd12345 abcdef abcdefg abcdefgh abcdefghi abcdefghij
    a123456 a1234567 a12345678 a123456789 123456a 123456789a 1234567890a aa123456 aa123456789 aaa123456
    a1b2c3 a1b2c3d4 a1b2c3d4e5 a1s2d3f4 aa112233 q123456 q123456789 qq123456 qq123456789 wang123456
    zhang123456 li123456 liu123456 chen123456 yang123456 huang123456 zhao123456 wu123456 zhou123456
    woaini woaini1314 woaini520 woaini123 woaini1234 woaini12345 woaini123456 woaiwojia woainima aini1314
    wodemima mima123456 mimamima tianya jiayou zhongguo zhongguo123 beijing beijing2008
    shanghai guangzhou shenzhen zhuhai dragon monkey master shadow sunshine princess football baseball
    basketball soccer hockey superman batman spiderman starwars pokemon naruto whatever computer internet
    samsung iphone google microsoft linux ubuntu windows apple banana cheese cookie chocolate summer winter
    autumn spring flower freedom hello hello123 hello1234 helloworld michael jennifer jessica charlie
    jordan23 thomas robert daniel andrew joshua matthew anthony william mustang harley ranger ginger
    killer hunter buster soccer1 tigger pepper maggie lovely loveme lovelove love1234 iloveu bailey
    access access14 login login123 system system123 server oracle mysql postgres
    database backup office office123 manager manager123 support service guest1234 temp temp123 temp1234
    123qwe 123qweasd 123qweasdzxc 123asd 123abc 123aaa 1234abcd 12qwaszx 1qa2ws3ed 147258 258369 369258
    11111111 22222222 33333333 44444444 55555555 66666666 77777777 88888888 99999999 00000000 12121212
    987654 98765432 7777777 1111111 2222222 8888888 1231234 12301230 520131400 5201314520 1314520520
"""
COMMON = frozenset(_COMMON_TEXT.split())


def normalise(password: str) -> str:
    """Return the password as it is checked, hashed and verified (Unicode NFKC)."""
    return unicodedata.normalize("NFKC", password)


def problem(password: str, *, username: str = "") -> tuple[str, str] | None:
    """Return why ``password`` breaks the policy (``(中文, English)``), or None when it is acceptable."""
    text = normalise(password)
    if any(unicodedata.category(ch) in INVISIBLE for ch in text):
        return (
            "密码含有不可见字符（控制符、零宽字符等）",
            "the password contains invisible characters (controls, zero-width)",
        )
    if not text.strip() or text != text.strip(" "):
        return "密码不能为空白，也不能以空格开头或结尾", "the password may not be blank nor start or end with a space"
    if len(text) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符", f"the password needs at least {MIN_LENGTH} characters"
    if len(text) > MAX_LENGTH:
        return f"密码至多 {MAX_LENGTH} 个字符", f"the password may have at most {MAX_LENGTH} characters"
    if len(set(text)) < MIN_DISTINCT:
        return f"密码至少要有 {MIN_DISTINCT} 个不同字符", f"the password needs {MIN_DISTINCT} different characters"
    folded = text.casefold()
    if folded in COMMON or folded.strip(PADDING) in COMMON:
        return "密码过于常见，容易被猜中", "the password is too common to be safe"
    name = normalise(username).casefold().strip()
    if len(name) >= 3 and name in folded:
        return "密码不能包含用户名", "the password may not contain the user name"
    return None


def check(password: str, *, username: str = "") -> str:
    """Return the normalised password when it meets the policy; raise JundengError (422) saying why not."""
    found = problem(password, username=username)
    if found is not None:
        raise JundengError(*found)
    return normalise(password)
