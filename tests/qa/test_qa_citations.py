"""Markers, sentences and numbers of answers; the token estimate (hand-made text)."""

from assistant.qa.citations import is_refusal, normalize_markers
from assistant.qa.passages import estimate_tokens
from assistant.qa.text import numbers, split_sentences


def test_marker_variants_are_normalised():
    assert normalize_markers("甲[1,2]乙【3】丙［4］丁[5、6]") == "甲[1][2]乙[3]丙[4]丁[5][6]"


def test_markers_after_the_full_stop_stay_with_their_sentence():
    assert split_sentences("第一句。[1]第二句[2]。") == ["第一句。[1]", "第二句[2]。"]


def test_numbers_in_chinese_and_arabic_are_extracted_but_not_markers():
    assert numbers("每届五年，理事5至25名[3]，二〇二六年。") == ["5", "25", "二〇二六"]


def test_refusal_phrases_are_recognised():
    assert is_refusal("现有资料中没有找到相关内容。") and not is_refusal("应当有50个以上的个人会员。")


def test_token_estimate_is_calibrated_for_chinese_and_other_text():
    assert estimate_tokens("社会组织" * 10) == 25  # 40 CJK characters × 0.62
    assert estimate_tokens("abcd" * 10) == 13  # 40 other characters × 0.32
