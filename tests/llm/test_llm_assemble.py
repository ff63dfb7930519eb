"""Model assembly: parts joined in order, verified against a pinned sha256, refused on mismatch."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.llm import assemble as asm


def _fake_parts(tmp_path: Path) -> list[Path]:
    parts = []
    for i, payload in enumerate([b"GGUF-head-", b"middle-", b"tail"], start=1):
        p = tmp_path / f"part{i:02d}.bin"
        p.write_bytes(payload)
        parts.append(p)
    return parts


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_parts_are_joined_in_order_and_verified(tmp_path):
    parts = _fake_parts(tmp_path)
    joined = b"GGUF-head-middle-tail"
    target = tmp_path / "models" / "m.gguf"
    result = asm.assemble(parts, target, expected_sha256=_sha(joined), expected_size=len(joined))
    assert result.assembled
    assert target.read_bytes() == joined
    # A second run keeps the verified file instead of rewriting it.
    again = asm.assemble(parts, target, expected_sha256=_sha(joined), expected_size=len(joined))
    assert not again.assembled and again.sha256 == _sha(joined)
    assert not list(target.parent.glob("*.partial"))


def test_checksum_mismatch_is_refused_and_leaves_no_file(tmp_path):
    parts = _fake_parts(tmp_path)
    target = tmp_path / "models" / "m.gguf"
    wrong = _sha(b"something else")
    with pytest.raises(asm.ModelAssemblyError, match="sha256"):
        asm.assemble(parts, target, expected_sha256=wrong, expected_size=None)
    assert not target.exists()
    assert not list(target.parent.glob("*.partial"))


def test_parts_in_wrong_order_are_refused(tmp_path):
    parts = _fake_parts(tmp_path)
    joined = b"GGUF-head-middle-tail"
    target = tmp_path / "m.gguf"
    with pytest.raises(asm.ModelAssemblyError):
        asm.assemble(list(reversed(parts)), target, expected_sha256=_sha(joined), expected_size=len(joined))
    assert not target.exists()


def test_tampered_existing_file_is_rebuilt(tmp_path):
    parts = _fake_parts(tmp_path)
    joined = b"GGUF-head-middle-tail"
    target = tmp_path / "m.gguf"
    target.write_bytes(b"GGUF-head-middle-TAIL")  # same size, different content
    with pytest.raises(asm.ModelAssemblyError):
        asm.verify_file(target, _sha(joined), len(joined))
    result = asm.assemble(parts, target, expected_sha256=_sha(joined), expected_size=len(joined))
    assert result.assembled and target.read_bytes() == joined


def test_size_mismatch_is_refused(tmp_path):
    parts = _fake_parts(tmp_path)
    joined = b"GGUF-head-middle-tail"
    with pytest.raises(asm.ModelAssemblyError, match="bytes"):
        asm.assemble(parts, tmp_path / "m.gguf", expected_sha256=_sha(joined), expected_size=len(joined) + 1)


def test_pinned_constants_describe_the_real_model():
    assert asm.PART_COUNT == 22 and asm.EXPECTED_SIZE == 1_117_320_768
    assert len(asm.EXPECTED_SHA256) == 64 and int(asm.EXPECTED_SHA256, 16) >= 0
