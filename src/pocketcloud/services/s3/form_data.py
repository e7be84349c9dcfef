"""A streaming, bounded reader of multipart/form-data bodies (browser POST uploads), built on
python-multipart's push parser: fields are yielded whole (each at most FIELD_BYTES_MAX), the
file's bytes are yielded chunk by chunk as they arrive, so a 5 GiB upload never sits in
memory. Events: ("field", name, value), ("file", name, filename, content_type),
("data", bytes), ("file_end",), ("end",)."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from pocketcloud.errors import AwsError
from pocketcloud.protocol.streams import receive_within

if TYPE_CHECKING:
    from pocketcloud.gateway.asgi import Receive

FIELD_BYTES_MAX = 20 * 1024  # a policy document is at most 20 KB; no field needs more
FIELDS_BYTES_MAX = 64 * 1024  # all fields before the file together
FIELDS_MAX = 100


def malformed(message: str = "The body of your POST request is not well-formed "
              "multipart/form-data.") -> AwsError:  # fmt: skip
    return AwsError("MalformedPOSTRequest", message)


def boundary_of(content_type: str) -> bytes:
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary or len(boundary) > 70:
        raise malformed()
    return boundary


class FormReader:
    def __init__(self, receive: Receive, content_type: str) -> None:
        self._receive = receive
        self._events: deque[tuple[Any, ...]] = deque()
        self._headers: dict[bytes, bytes] = {}
        self._header_name = b""
        self._header_value = b""
        self._is_file = False
        self._name = ""
        self._value = bytearray()
        self._fields_bytes = 0
        self._fields = 0
        self._done = False
        self._parser = MultipartParser(boundary_of(content_type), callbacks={
            "on_part_begin": self._part_begin, "on_header_field": self._header_field,
            "on_header_value": self._header_value_part, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished, "on_part_data": self._part_data,
            "on_part_end": self._part_end, "on_end": self._end,
        })  # fmt: skip

    async def events(self) -> AsyncIterator[tuple[Any, ...]]:
        while True:
            while self._events:
                event = self._events.popleft()
                yield event
                if event[0] == "end":
                    return
            if self._done:
                raise malformed()
            message = await receive_within(self._receive)  # a quiet client: no hang
            if message["type"] == "http.disconnect":
                raise malformed("The client closed the connection before the form ended.")
            chunk = message.get("body", b"")
            try:
                self._parser.write(chunk)
            except MultipartParseError:
                raise malformed() from None
            if not message.get("more_body", False):
                self._done = True
                if not self._events:
                    raise malformed()

    # --- parser callbacks -----------------------------------------------------------------

    def _part_begin(self) -> None:
        self._headers = {}
        self._value = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get(b"content-disposition"))
        if disposition != b"form-data" or b"name" not in options:
            raise MultipartParseError("a part without a form-data name")
        self._name = options[b"name"].decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._is_file = self._name.lower() == "file"  # S3 takes only the field named file
        if self._is_file:
            content_type = self._headers.get(b"content-type", b"").decode("latin-1")
            name = (filename or b"").decode("utf-8", "replace")
            self._events.append(("file", self._name, name, content_type))

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            self._events.append(("data", bytes(data[start:end])))
            return
        self._value += data[start:end]
        self._fields_bytes += end - start
        if len(self._value) > FIELD_BYTES_MAX or self._fields_bytes > FIELDS_BYTES_MAX:
            raise MultipartParseError("form field too large")

    def _part_end(self) -> None:
        if self._is_file:
            self._events.append(("file_end",))
            return
        self._fields += 1
        if self._fields > FIELDS_MAX:
            raise MultipartParseError("too many form fields")
        self._events.append(("field", self._name, self._value.decode("utf-8", "replace")))

    def _end(self) -> None:
        self._events.append(("end",))
