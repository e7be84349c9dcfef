"""Lines of an import's source objects as items: DYNAMODB_JSON ({"Item": ...} per line) and
CSV (a header, then records; key and other defined attributes typed by the table's attribute
definitions, every other value a string, as DynamoDB's CSV import does). Each parser's feed
returns the line's items: (item, size) or None for a line that is not a valid item."""

from __future__ import annotations

import base64
import binascii
import csv
import json
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb.keys import check_item_keys, check_size
from pocketcloud.services.dynamodb.s3_transfer import LINE_MAX_BYTES
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import clean_item_sized

Parsed = tuple[dict[str, Any], int] | None


def _checked(table: TableMeta, item: Any) -> Parsed:
    try:
        cleaned, size = clean_item_sized(item)
        check_size(size)
        check_item_keys(table, cleaned)
    except (AwsError, ValueError, TypeError, AttributeError, binascii.Error):
        return None
    return cleaned, size


class JsonItems:
    def __init__(self, table: TableMeta) -> None:
        self.table = table

    def feed(self, line: bytes | None) -> list[Parsed]:
        if line is None:
            return [None]
        if not line.strip():
            return []
        try:
            document = json.loads(line)
            wire = document["Item"]
            item = storage.from_wire(wire)
        except (ValueError, TypeError, KeyError, AttributeError, binascii.Error, RecursionError):
            return [None]
        return [_checked(self.table, item)]


class CsvItems:
    def __init__(self, table: TableMeta, options: dict[str, Any]) -> None:
        self.table = table
        self.delimiter = options.get("Delimiter") or ","
        given = options.get("HeaderList")
        self.header: list[str] | None = list(given) if given else None
        self.pending = ""
        self.types = {d["AttributeName"]: d["AttributeType"]
                      for d in table.description["AttributeDefinitions"]}

    def feed(self, line: bytes | None) -> list[Parsed]:
        if line is None:
            self.pending = ""
            return [None]
        try:
            text = line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            return [None]
        record = f"{self.pending}\n{text}" if self.pending else text
        if record.count('"') % 2:  # a quoted field goes on over the line end
            self.pending = record if len(record) <= LINE_MAX_BYTES else ""
            return [] if self.pending else [None]
        self.pending = ""
        if not record.strip():
            return []
        try:
            fields = next(csv.reader([record], delimiter=self.delimiter, strict=True))
        except csv.Error:
            return [None]
        if self.header is None:
            self.header = fields
            return []
        return [self._item(fields)]

    def _item(self, fields: list[str]) -> Parsed:
        assert self.header is not None
        if len(fields) > len(self.header):
            return None
        item: dict[str, Any] = {}
        try:
            for name, value in zip(self.header, fields, strict=False):
                if value == "":
                    continue
                kind = self.types.get(name, "S")
                item[name] = {"B": base64.b64decode(value, validate=True)} if kind == "B" \
                    else {kind: value}
        except binascii.Error:
            return None
        return _checked(self.table, item)
