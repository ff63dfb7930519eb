import pytest

from assistant.checking.numbers import extract_quantities, format_value
from assistant.text.chars import nfkc as normalize


def amounts(text):
    return [q.value for q in extract_quantities(normalize(text), kinds=("amount",))]


@pytest.mark.parametrize("text,value", [
    ("活动资金为人民币3万元。", 30_000),
    ("活动资金30,000元", 30_000),
    ("人民币叁万元整", 30_000),
    ("原始基金贰佰万元", 2_000_000),
    ("开办资金1.5万元", 15_000),
    ("开办资金２０万元", 200_000),  # full-width digits
    ("三万元", 30_000),
])
def test_amounts_in_yuan(text, value):
    assert amounts(text) == [value]


def test_ranges_with_figures_and_numerals():
    for text in ("理事会由5至25名理事组成", "理事会由五至二十五名理事组成", "理事5-25人"):
        (q,) = extract_quantities(normalize(text), kinds=("count",))
        assert (q.value, q.high) == (5, 25), text
        assert q.is_range


def test_age_term_and_bounds_keep_their_sentence():
    text = "会长最高任职年龄不超过70周岁。理事每届任期五年，连任不得超过两届。"
    found = extract_quantities(text)
    kinds = [(q.kind, q.value, q.bound) for q in found]
    assert ("age", 70, "max") in kinds
    assert ("term", 5, None) in kinds
    assert ("terms", 2, "max") in kinds
    age = next(q for q in found if q.kind == "age")
    assert age.sentence == "会长最高任职年龄不超过70周岁。"
    assert text[age.start:age.end] == "70周岁"


def test_dates_are_not_terms():
    assert extract_quantities("本章程经2026年3月18日会员大会通过", kinds=("term",)) == []
    assert extract_quantities("2025至2026年度", kinds=("term",)) == []


def test_counts_percent_and_table_age_cells():
    assert [q.value for q in extract_quantities("现有个人会员62名、单位会员14个", kinds=("count",))] == [62, 14]
    assert [q.value for q in extract_quantities("公益支出占百分之八", kinds=("percent",))] == [8]
    assert [q.value for q in extract_quantities("行政办公支出占12%", kinds=("percent",))] == [12]
    assert [q.value for q in extract_quantities("姓名: 李明；年龄: 72；职务: 会长", kinds=("age",))] == [72]


def test_format_value():
    assert format_value("amount", 30_000) == "3万元" and format_value("age", 70) == "70周岁"
    assert format_value("amount", 2_000_000) == "200万元"
    assert format_value("amount", 5_000) == "5000元"
