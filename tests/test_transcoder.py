"""Stored events read with orjson (domain.transcoder) are exactly what the library's own
reading gives: every value type a payload holds, every shape, every payload that does not
decode (the same error), and every event of a real history. Writing is unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import JSONTranscoder, Mapper
from hypothesis import given, settings
from hypothesis import strategies as st

from api.demo import seed_demo_data
from domain.application import ContractFlow
from domain.contracts.amendments import Amendment
from domain.contracts.terms import CREDIT_CLASSES, CustomerRef, Line, Movement, PaymentTerms
from domain.transcoder import OrjsonReadingTranscoder

APP = ContractFlow({"PERSISTENCE_MODULE": "eventsourcing.popo"})
NEW = APP.mapper.transcoder
OLD = JSONTranscoder()
APP.register_transcodings(OLD)

texts = st.text(st.characters(exclude_categories=("Cs",)))  # UTF-8 cannot store a lone surrogate
keys = st.one_of(texts, st.sampled_from(["_type_", "_data_", "date_iso", ""]))
JSONISH = '{}[]":,0123456789.eE-+ \\untrlfa_'  # JSON's tokens, and some that are not
money = st.decimals(allow_nan=False, allow_infinity=False, places=2)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too: orjson would make those floats
    st.floats(),  # NaN and infinities too: JSON has none, the library writes them anyway
    texts,
    st.decimals(),
    st.uuids(),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.dates(),
    st.builds(CustomerRef, texts, texts, st.sampled_from((None, *CREDIT_CLASSES))),
    st.builds(PaymentTerms, st.integers(0, 100), st.integers(0, 365)),
    st.builds(Line, texts, money, money),
    st.builds(Movement, st.dates(), money),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(keys, inner, max_size=4),
        st.builds(
            Amendment,
            number=texts,
            changes=st.dictionaries(texts, inner, max_size=3),
            reason=texts,
            requested_by=texts,
            requested_at=st.datetimes(timezones=st.timezones()),
            required=st.lists(texts, max_size=3).map(tuple),
            routing=st.dictionaries(texts, texts, max_size=2),
        ),
    ),
    max_leaves=12,
)


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down, keys in the same order (repr tells
    1.10 from 1.1, a time's offset, NaN from NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return repr(a) == repr(b)


def outcome(transcoder: JSONTranscoder, payload: bytes) -> tuple[str, Any]:
    try:
        return "value", transcoder.decode(payload)
    except Exception as error:  # the error is what is compared
        return "error", type(error)


def reads_alike(payload: bytes) -> bool:
    (kind, new), (old_kind, old) = outcome(NEW, payload), outcome(OLD, payload)
    return kind == old_kind and (same(new, old) if kind == "value" else new is old)


def test_the_application_reads_with_orjson_and_writes_as_the_library() -> None:
    assert isinstance(NEW, OrjsonReadingTranscoder)
    assert type(NEW).encode is JSONTranscoder.encode


@settings(max_examples=400, deadline=None)
@given(values)
def test_every_stored_value_reads_back_as_the_library_reads_it(value: Any) -> None:
    payload = OLD.encode({"value": value})
    assert NEW.encode({"value": value}) == payload
    assert reads_alike(payload)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=60), st.text(JSONISH, max_size=40).map(str.encode)))
def test_any_payload_reads_as_the_library_reads_it_or_fails_as_it_does(payload: bytes) -> None:
    assert reads_alike(payload)


@pytest.mark.parametrize(
    "payload",
    [
        b"18446744073709551616",  # beyond 64 bits: orjson reads a float
        b"-9223372036854775809",
        b"[0.1, 1e400, -0.0]",
        b"NaN",
        b'"\\ud800"',  # an escaped lone surrogate: json reads it, orjson does not
        b'"\xed\xa0\x80"',  # not UTF-8
        b"\xef\xbb\xbf{}",  # a byte order mark
        b'{"a":1,"a":2}',
        b"[" * 2000 + b"]" * 2000,
        b'{"_type_":"nobody","_data_":"x"}',
        b'{"_type_":"date_iso","_data_":"2026-02-30"}',
        b'{"_type_":"decimal_str","_data_":{"x":1}}',
        b'{"_type_":"CustomerRef","_data_":{"id":"C","name":"N","credit_class":"Z"}}',
        b'{"_type_":1,"_data_":"x"}',
        b'{"_data_":"x","_type_":"uuid_hex"}',
    ],
)
def test_payloads_at_the_edges_read_alike(payload: bytes) -> None:
    assert reads_alike(payload)


def test_events_written_before_read_identically() -> None:
    app = ContractFlow({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed_demo_data(app)
    library = Mapper(OLD)
    stored = app.recorder.select_notifications(start=1, limit=100_000)
    assert len({n.topic for n in stored}) > 20  # contracts, complaints, customers, numbering
    for notification in stored:
        new, old = app.mapper.to_domain_event(notification), library.to_domain_event(notification)
        assert type(new) is type(old) and same(vars(new), vars(old)), notification.topic
