"""The readings child: the same readings as in this process, phrase-aware; a child that dies is
replaced by reading here, with nothing lost."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from reader.chinese.reading_process import Found, ReadingsProcess
from reader.chinese.readings import readings

HANG_TIMEOUT_S = 120
"""A hang detector (a child starting on a loaded machine), never a time budget."""


@pytest.fixture
def child() -> Iterator[ReadingsProcess]:
    process = ReadingsProcess()
    yield process
    process.close()


def read(process: ReadingsProcess, texts: list[str]) -> Found:
    """Ask and wait for the answer (it comes on a helper thread)."""
    answers: list[Found] = []
    answered = threading.Event()
    process.read(texts, lambda found: (answers.append(found), answered.set()))
    assert answered.wait(HANG_TIMEOUT_S), "the readings never came"
    return answers[0]


def test_the_child_reads_by_phrase_as_this_process_does(child: ReadingsProcess) -> None:
    texts = ["这件事很重要。", "我们重新开始吧！", "銀行在哪裡？", "GPT-4 和 3.34", ""]
    found = read(child, texts)
    assert found == {text: readings(text) for text in texts}
    assert found["这件事很重要。"][4] == "zhòng"
    assert found["我们重新开始吧！"][2] == "chóng"
    assert found["銀行在哪裡？"][1] == "háng", "a Traditional phrase is read as a phrase"
    assert found["GPT-4 和 3.34"] == [None] * 6 + ["hé"] + [None] * 5
    assert child.in_child
    assert child.ready.is_set(), "the tables were loaded before the first answer"


def test_a_child_that_dies_is_replaced_by_reading_here(child: ReadingsProcess) -> None:
    assert read(child, ["重要"])["重要"] == ["zhòng", "yào"]
    pool = child._pool
    assert pool is not None
    for pid in list(pool._processes):  # as the system's out-of-memory killer would
        os.kill(pid, signal.SIGKILL)
    texts = ["重新", "重复的话"]
    found = read(child, texts)
    assert found == {text: readings(text) for text in texts}
    assert not child.in_child, "reads now happen in this process"
    assert read(child, ["音乐"])["音乐"] == ["yīn", "yuè"]


def test_a_closed_child_is_started_again_when_asked(child: ReadingsProcess) -> None:
    assert read(child, ["长城"])["长城"] == ["cháng", "chéng"]
    child.close()
    assert read(child, ["长大"])["长大"] == ["zhǎng", "dà"]
    assert child.in_child
