"""The library's JSON transcoder, reading with orjson: decoding stored events is much of the
work of replaying the log into a view and of verifying it, and with orjson an event
decodes in about three quarters of the time (its parse is several times as fast; turning
the transcoded values back, in Python, is the rest).

Writing stays the library's own, so stored bytes (and nothing hashes them but audit
verify, and only those that no longer decode) are exactly as before. Reading gives what
the library's reading gives: orjson's parse is kept only when it holds no float (orjson
reads an integer beyond 64 bits as a float, and a float's text is where two parsers could
differ; events hold none), and the library's own hook then turns each `{"_type_": …,
"_data_": …}` object into its value, innermost first, as `json` calls it. Whatever orjson
or a transcoding refuses is read again the library's way, which decides: the same value,
or the same error."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Transcoding


class _FloatError(Exception):
    """orjson's parse holds a float: the library reads this payload."""


# Bytes above which the library's reading is the faster: a snapshot of a long history holds
# tens of thousands of values, which `json` hands to the hook from C and `_revived` walks
# in Python (a 5,000-event contract's snapshot: 10 ms against 18).
LARGEST_READ_BY_ORJSON = 16_384


class OrjsonReadingTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        if len(data) > LARGEST_READ_BY_ORJSON:
            return super().decode(data)
        try:
            return _revived(orjson.loads(data), self._decode_obj, self.names)
        except Exception:  # the library's reading decides, errors included
            return super().decode(data)


def _revived(
    value: Any, hook: Callable[[dict[str, Any]], Any], names: dict[str, Transcoding]
) -> Any:
    """`value` with every JSON object passed to `hook`, innermost first, in document order
    (a transcoded value in text straight to its transcoding, as the hook would)."""
    kind = type(value)
    if kind is dict:
        slots: Iterable[tuple[Any, Any]] = value.items()
    elif kind is list:
        slots = enumerate(value)
    elif kind is float:
        raise _FloatError
    else:
        return value
    for slot, item in slots:
        inner = type(item)
        if (
            inner is dict
            and len(item) == 2
            and type(item.get("_type_")) is str
            and type(item.get("_data_")) is str
        ):  # most objects: a time, an amount, an id (an unknown name is the library's error)
            value[slot] = names[item["_type_"]].decode(item["_data_"])
        elif inner is dict or inner is list or inner is float:
            value[slot] = _revived(item, hook, names)
    return hook(value) if kind is dict and len(value) == 2 else value  # the hook keeps others
