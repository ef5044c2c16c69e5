"""The domain of a candidate whose section heading names none, read off the indicator's own words.

Hand-written keyword lexicon, because the service domains of the equalization plans (公共教育, 劳动就业, 医疗卫生 …)
are a policy classification: 入园率 is education, 参保率 social insurance, 死亡率 health. The first domain whose
words occur in the indicator wins (the order puts the narrower domains first); the sentence is the fallback.
"""

from __future__ import annotations

import re

DOMAIN_WORDS: tuple[tuple[str, str], ...] = (
    ("残疾人服务", r"残疾|残障|盲人|聋|康复"),
    ("养老服务", r"养老机构|养老床位|老年人|老人|养老服务|敬老|托老|高龄|居家养老"),
    ("社会保险", r"参保|养老保险|医疗保险|医保|失业保险|工伤保险|生育保险|社会保险|社保|养老金|退休"),
    (
        "公共教育",
        r"教育|学校|学前|幼儿园|入园|入学|巩固率|升学|辍学|教师|学位|大班额|班额|中小学|高中|义务教育|学生|受教育",
    ),
    ("劳动就业创业", r"就业|失业|创业|职业技能|职业培训|劳动|工资|欠薪|技能培训"),
    (
        "医疗卫生",
        r"卫生|医疗|医院|医生|医师|护士|床位|死亡率|寿命|疾病|疫苗|接种|妇幼|孕产妇|婴儿|健康|诊所|病床|传染病",
    ),
    ("住房保障", r"住房|保障房|保障性安居|棚户区|棚改|公租房|廉租房|危房|安居"),
    ("公共文化体育", r"文化|体育|图书|博物馆|文化馆|健身|广播|电视|电影|阅读|体育场|运动"),
    ("基本社会服务", r"低保|救助|特困|孤儿|福利|优抚|殡葬|婚姻|社区服务|流浪|五保"),
)
DOMAIN_RES = tuple((name, re.compile(words)) for name, words in DOMAIN_WORDS)


def domain_from_words(*texts: str) -> str | None:
    """Return the first domain whose words occur in the first text that has any (indicator, then sentence)."""
    for text in texts:
        for name, pattern in DOMAIN_RES:
            if pattern.search(text):
                return name
    return None
