"""The UI's file guard and clean-up, without a server (assistant/ui/files.py)."""

from __future__ import annotations

import shutil

import gradio as gr
import pytest
from gradio.data_classes import FileData, ListFiles

from assistant.settings import load_settings
from assistant.ui.files import ReceivedFile, UiFiles, check_received, guard_file_inputs


@pytest.fixture
def ui_files(tmp_path, monkeypatch):
    files = UiFiles(load_settings(ui={"temp_dir": tmp_path / "tmp", "keep_downloads_s": 600}))
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(files.uploads))
    yield files
    files.remove_all()


def uploaded(files: UiFiles, name: str, text: str, folder: str = "a" * 64) -> object:
    path = files.uploads / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_only_files_in_this_servers_upload_folder_pass(ui_files, tmp_path):
    inside = uploaded(ui_files, "章程.txt", "第一条")
    assert check_received(inside) == inside.resolve()
    outside = tmp_path / "secret.txt"
    outside.write_text("server file", encoding="utf-8")
    escape = ui_files.uploads / "x" / ".." / ".." / "secret.txt"
    link = ui_files.uploads / "link.txt"
    link.symlink_to(outside)
    for path in (outside, escape, link, "/etc/hostname"):
        with pytest.raises(gr.Error) as refused:
            check_received(path)
        assert "不是通过本页面上传" in str(refused.value) and "not uploaded through this page" in str(refused.value)


def test_received_file_refuses_before_reading(ui_files, tmp_path):
    component = ReceivedFile(file_count="multiple")
    good = uploaded(ui_files, "章程.txt", "第一条")
    assert component.preprocess(ListFiles([FileData(path=str(good))])) == [str(good)]
    with pytest.raises(gr.Error):
        component.preprocess(ListFiles([FileData(path=str(good)), FileData(path="/etc/passwd", orig_name="passwd")]))
    assert component.get_block_name() == "file"  # the browser still renders a gr.File


def test_every_file_input_of_an_app_is_guarded():
    with gr.Blocks() as app:
        upload = gr.File()
        out = gr.Textbox()
        gr.Button().click(lambda f: str(f), inputs=[upload], outputs=[out])
    assert guard_file_inputs(app) == 1 and isinstance(upload, ReceivedFile)
    with gr.Blocks() as other:
        image = gr.Image()
        gr.Button().click(lambda f: "", inputs=[image], outputs=[gr.Textbox()])
    with pytest.raises(TypeError):
        guard_file_inputs(other)


def test_uploads_are_deleted_after_their_run_with_both_gradio_copies(ui_files):
    first = uploaded(ui_files, "章程.txt", "第一条 本会名称", folder="1" * 64)
    second = uploaded(ui_files, "章程.txt", "第一条 本会名称", folder="2" * 64)  # Gradio's second copy
    other = uploaded(ui_files, "章程.txt", "另一份材料", folder="3" * 64)
    with ui_files.reading(str(first)) as paths:
        assert paths == [first] and first.is_file()
    assert not first.exists() and not second.exists() and not first.parent.exists()
    assert other.is_file()  # someone else's file of the same name stays


def test_kept_uploads_and_downloads_are_swept_after_their_time(tmp_path, monkeypatch):
    files = UiFiles(load_settings(ui={"temp_dir": tmp_path, "keep_uploads_s": 120, "keep_downloads_s": 600}))
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(files.uploads))
    try:
        upload = uploaded(files, "章程.txt", "第一条")
        files.used(str(upload))
        report = files.output_dir("szzs-check-") / "材料审查意见.md"
        report.write_text("审查意见", encoding="utf-8")
        now = report.stat().st_mtime
        files.sweep(now + 60)
        assert upload.is_file() and report.is_file()
        files.sweep(now + 130)
        assert not upload.exists() and report.is_file()
        files.sweep(now + 601)
        assert not report.exists() and not any(files.work.iterdir())
    finally:
        root = files.root
        files.remove_all()
        assert not root.exists()
        shutil.rmtree(tmp_path, ignore_errors=True)
