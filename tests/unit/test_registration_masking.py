"""The secret mask on every handler: a record of any logger, formatted by a plain stdlib handler,
shows no secret, and its traceback is still there, masked."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import pytest

from dahooks.registration.masking import SecretMask, secret_fragments

if TYPE_CHECKING:
    from collections.abc import Iterator

URL = "https://hooks.slack.com/services/T0001AAAA/B0001BBBB/abcdefabcdefabcdefabcdef"


@pytest.fixture
def root_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


def test_a_child_loggers_record_is_masked_by_the_root_handler_it_propagates_to(root_stream):
    mask = SecretMask()
    mask.remember({"SLACK_HOOK": URL})
    mask.install()
    log = logging.getLogger("some_hook.module")
    try:
        log.warning("posting to %s", URL)
        try:
            raise RuntimeError(f"cannot reach {URL}")
        except RuntimeError:
            log.exception("failed")
        log.warning("token %s", "T0001AAAA/B0001BBBB/abcdefabcdefabcdefabcdef")
    finally:
        for handler in logging.getLogger().handlers:
            handler.removeFilter(mask)

    output = root_stream.getvalue()
    assert "abcdefabcdef" not in output
    assert output.count("[REDACTED]") == 3
    assert "Traceback (most recent call last)" in output
    assert "RuntimeError: cannot reach [REDACTED]" in output


def test_a_url_path_is_masked_from_each_long_tail_not_its_short_words():
    fragments = secret_fragments({"SLACK_HOOK": URL, "CRM": "https://api.example.com/v2/contacts"})

    assert "T0001AAAA/B0001BBBB/abcdefabcdefabcdefabcdef" in fragments
    assert "abcdefabcdefabcdefabcdef" in fragments
    assert "contacts" not in fragments
    assert "v2/contacts" not in fragments


def test_an_exception_an_earlier_filter_already_formatted_is_still_masked():
    earlier, mask = SecretMask(), SecretMask()
    earlier.remember({"OTHER": "another-secret-value"})
    mask.remember({"SLACK_HOOK": URL})
    try:
        raise RuntimeError(f"cannot reach {URL}")
    except RuntimeError as error:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, (RuntimeError, error, None))

    earlier.filter(record)  # formats the traceback with what it knows, and drops exc_info
    mask.filter(record)

    assert "abcdefabcdef" not in record.exc_text
    assert "abcdefabcdef" not in record.exception
