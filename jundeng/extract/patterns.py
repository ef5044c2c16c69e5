"""Regular expressions of policy language: quantities with units, comparator words, noise, years.

Hand-written because these are the conventions of Chinese government documents, which no NLP library encodes:
measure words and per-unit standards (元/人/月, 万元/班/年, 张/千人, 15/10万, ‰), the comparator vocabulary
(不低于, 控制在…以内, 提高到), and what looks like a quantity but is not one (粤府办〔2012〕30号, 12345 hotlines,
7月1日, 2016-2020年, 第二批, "十三五"). All patterns run on the normalized text (simplified, half-width).
"""

from __future__ import annotations

import re

from jundeng.extract.numbers import NUMBER

# Denominators of per-unit standards: 元/人/月, 张/千人, 人次/年, /10万.
PER = (
    r"(?:10万人口|10万人|10万|十万人口|十万人|十万|万人口|万人|千人口|千人|百人|千户|百户|万户|平方公里|平方米|人次|人口"
    r"|学生|生|床位|床|班|户|人|名|位|所|校|园|家|个|张|座|辆|台|间|套|村|镇|社区|单位|年|月|日|天|周|次|件|㎡|m2|亩"
    r"|公顷|公里|千米|km|吨|立方米|课时|学时|小时|学期|学年|万|千)"
)
# Measure words and units after a number, longest first. 分 (score) only before 以上/以下 or punctuation.
BASE_UNITS = (
    r"个百分点|百分点|%|‰|‱|万元|亿元|千元|元|人次|户次|家次|车次|辆次|架次|人天|床日|人口|人|名|位|户|家|所|"
    r"个工作日|工作日|个月|个|座|套|间|张|床位|床|辆|台|艘|架|条|平方公里|平方千米|平方米|㎡|m2|公顷|亩|立方米|万吨|吨|"
    r"公里|千米|km|米|项|处|场|次|件|册|份|批|期|支|队|组|班|栋|幢|棵|株|周岁|岁|年|天|小时|分钟|倍|千瓦|兆瓦|"
    r"千克|公斤|微克|毫克|升|篇|本|部|种|类|门|课时|学时|节|届|例|剂|人份|镇|村|分(?=以上|以下|及以上|左右|[,，。;；、)\s]|$)"
)
PER_PART = rf"(?:\({PER}(?:[·.•]?{PER})?\)|{PER}(?:[·.•]?{PER})?)"
UNIT = rf"(?:(?:{BASE_UNITS})(?:(?:/|每){PER_PART}){{0,3}}|(?:/+{PER_PART}?){{1,3}})"

# One quantity: a percentage word, a fraction, or a number with an optional unit.
ATOM_RE = re.compile(
    rf"(?P<pctword>百分之(?P<pct>{NUMBER}))"
    rf"|(?P<hundred>百分之百|百分百)"
    rf"|(?P<permille>千分之(?P<pm>{NUMBER}))"
    rf"|(?P<tenth>[一二两三四五六七八九])成(?=以上|以下|左右|多|的|[,，。;；])"
    rf"|(?P<den>{NUMBER})分之(?P<frac>{NUMBER})"
    rf"|(?P<num>{NUMBER})(?P<space>\s?)(?P<unit>{UNIT})?"
)

# A measure word followed by these characters is the start of another word (两部分, 所有, 户籍, 八个方面).
UNIT_FALSE_FRIENDS = re.compile(
    r"部分|部门|部署|所有|所属|所在|所以|所得|所需|户籍|户口|户型|年度|年级|年龄|年限|年份|年底|年末|年初|年内|年起|年以来"
    r"|月份|日起|日前|次性|名额|名单|名称|条件|条例|条款|台账|台阶|场所|处理|处置|期间|期限|号码|支持|支付|支出|队伍"
    r"|组织|班子|套餐|门诊|门户|本地|本市|类型|种类|点位|站式|站点|批次|家庭|家属|家长|元旦"
    r"|件民生|件实事|个方面|个环节|个层面|个阶段|个领域|个维度|个步骤|个原则|个代表|个转变|个统一|个有|个百分百|个坚持|个务必|个一|个必须"
)
# Words that make a measure word the end of an idiom rather than a count after 一 (一批, 一体化, 一系列).
ONE_VERBS = re.compile(
    r"(?:新建|新增|建成|建设|扩建|改建|改扩建|开工|新开|设立|打造|创建|培育|组建|举办|建立|配备|增加)\s*$"
)

# Comparator words before a number (checked right to left on the text just before it) and after it.
PRE_COMPARATORS: tuple[tuple[str, str], ...] = (
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("不得低于", ">="),
    ("不得少于", ">="),
    ("至少", ">="),
    ("最少", ">="),
    ("最低", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不大于", "<="),
    ("不多于", "<="),
    ("不得超过", "<="),
    ("不得高于", "<="),
    ("最高", "<="),
    ("最多", "<="),
    ("控制在", "<="),
    ("降低到", "<="),
    ("降低至", "<="),
    ("降到", "<="),
    ("降至", "<="),
    ("下降到", "<="),
    ("下降至", "<="),
    ("减少到", "<="),
    ("减少至", "<="),
    ("压缩到", "<="),
    ("压缩至", "<="),
    ("缩短到", "<="),
    ("缩短至", "<="),
    ("超过", ">"),
    ("高于", ">"),
    ("大于", ">"),
    ("多于", ">"),
    ("低于", "<"),
    ("小于", "<"),
    ("少于", "<"),
    ("≥", ">="),
    (">=", ">="),
    ("≤", "<="),
    ("<=", "<="),
    (">", ">"),
    ("<", "<"),
    ("提高到", ">="),
    ("提高至", ">="),
    ("提升到", ">="),
    ("提升至", ">="),
    ("增加到", ">="),
    ("增加至", ">="),
    ("增长到", ">="),
    ("增长至", ">="),
    ("增至", ">="),
    ("扩大到", ">="),
    ("扩大至", ">="),
    ("上升到", ">="),
    ("上升至", ">="),
    ("上调到", ">="),
    ("上调至", ">="),
    ("达到并超过", ">="),
    ("力争达到", ">="),
    ("达到", ">="),
    ("保持在", ">="),
    ("稳定在", ">="),
    ("维持在", ">="),
    ("保持", ">="),
    ("高达", "="),
    ("可达", ">="),
    ("达", ">="),
    ("实现", ">="),
    ("调整为", "="),
    ("调整到", "="),
    ("调整至", "="),
    ("统一为", "="),
    ("为", "="),
    ("是", "="),
)
PRE_COMPARATOR_RE = re.compile(
    "(?P<word>"
    + "|".join(re.escape(word) for word, _ in PRE_COMPARATORS)
    + r")(?:分别|均|都|各|可)?(?:达到|达|为|到|至)?\s*(?:约|大约|近)?\s*$"
)
PRE_COMPARATOR_MAP = dict(PRE_COMPARATORS)
# A comparator before a reference: 不低于当地上年度农村居民人均纯收入的60%.
REF_COMPARATOR_RE = re.compile(
    "(?P<word>"
    + "|".join(re.escape(w) for w, c in PRE_COMPARATORS if len(w) > 1 and c != "=")
    + r")[^,，;；。]{1,24}的\s*$"
)
# 最高 only compares when it directly governs the number (最高达到90%), not inside a name (最高支付限额提高到).
POST_COMPARATOR_RE = re.compile(r"\s*(?:及以上|以上|及以下|以下|以内|之内|内|左右|上下|多|余)")
POST_COMPARATOR_MAP = {
    "及以上": ">=",
    "以上": ">=",
    "多": ">",
    "余": ">",
    "及以下": "<=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "内": "<=",
    "左右": "=",
    "上下": "=",
}
# "Before" of a change: 由 A 提高到 B, 从 A 调整为 B.
CHANGE_VERB_RE = re.compile(
    r"^[^,，;；。\d]{0,8}?(?:分别)?(?:提高|提升|增加|增长|调整|上调|下调|下降|降低|扩大|减少|缩小|提标|上升|增)(?:到|至|为)?\s*$"
)
FROM_RE = re.compile(r"(?:由|从)(?:原)?[^,，;；。由从]{0,24}$")

# Years and periods.
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*年)")
PERIOD_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年)?\s*(?:-|~|—{1,2}|至|到)\s*((?:19|20)\d{2})\s*年?")
DEADLINE_RE = re.compile(
    r"(?:到|至|截至|截止|截止到|在|于|争取|力争|确保|计划)?\s*((?:19|20)\d{2})\s*年\s*(?:底|末|年底|年末|前|以前|之前|内)?"
)
FYP_RE = re.compile(r"(?:“|\")?(十[一二三四五六]五)(?:”|\")?(?:规划|时期|期间|期末|末|以来)?")
FYP_END_YEAR = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}

# Noise: things written with digits that are not quantities.
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{0,10}[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d*\s*号?")
DATE_RE = re.compile(
    r"(?:19|20)\d{2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?"
    r"|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
)
PHONE_RE = re.compile(
    r"(?<![\d.])(?:0\d{2,3}[-\s]?\d{3,4}[-\s]?\d{4}|1[3-9]\d{9}|400[-\s]?\d{3}[-\s]?\d{4}|\d{3,4}-\d{7,8})(?![\d.])"
)
HOTLINE_CONTEXT_RE = re.compile(
    r"(?:热线|电话|拨打|服务号码|号码|短号|专线|传真|邮编|邮政编码|QQ|微信号)[^,，。;；]{0,8}$"
)
FORMULA_RE = re.compile(r"^\s*[×*÷=＝+]|[×*÷=＝+]\s*$")

# Clause and sentence boundaries.
SENTENCE_END = "。！？!?；;"
CLAUSE_BREAK = re.compile(r"[,，;；:：。！？!?]")
LIST_GAP_RE = re.compile(r"^\s*(?:、|和|及|与|或|以及|,|，)?\s*$")
RANGE_GAP_RE = re.compile(r"^\s*(?:-|~|—{1,2}|至|到)\s*$")
