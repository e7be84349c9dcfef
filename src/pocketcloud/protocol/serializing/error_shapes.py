"""Which error shape an ``AwsError`` names, and the codes each protocol sends for it.

A provider raises ``AwsError(code)`` with either the error shape's name (``QueueDoesNotExist``)
or AWS's wire code (``AWS.SimpleQueueService.NonExistentQueue``, from the shape's
``error: {code: ...}`` trait). JSON-family protocols name the shape; query-family protocols
(and the ``x-amzn-query-error`` header of ``awsQueryCompatible`` services) send the wire code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from botocore.model import NoShapeFoundError, ServiceModel, Shape

ERROR_LOOKUPS_CACHED_MAX = 4096  # distinct (service, code) pairs remembered

# Query-era wire codes that botocore's specs no longer carry as ``error: {code}`` traits. SQS's
# model lost them when it moved to JSON (botocore's handlers._handle_sqs_compatible_error works
# around it on the client side); AWS still sends these codes in query XML and in the
# ``x-amzn-query-error`` header, and older SDKs match on them.
LEGACY_QUERY_CODES: dict[str, dict[str, str]] = {
    "sqs": {
        "QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue",
        "QueueNameExists": "QueueAlreadyExists",
        "QueueDeletedRecently": "AWS.SimpleQueueService.QueueDeletedRecently",
        "PurgeQueueInProgress": "AWS.SimpleQueueService.PurgeQueueInProgress",
        "BatchEntryIdsNotDistinct": "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        "BatchRequestTooLong": "AWS.SimpleQueueService.BatchRequestTooLong",
        "EmptyBatchRequest": "AWS.SimpleQueueService.EmptyBatchRequest",
        "InvalidBatchEntryId": "AWS.SimpleQueueService.InvalidBatchEntryId",
        "TooManyEntriesInBatchRequest": "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        "MessageNotInflight": "AWS.SimpleQueueService.MessageNotInflight",
        "UnsupportedOperation": "AWS.SimpleQueueService.UnsupportedOperation",
    },
}

# The JSON ``__type`` AWS sends for query-era codes no error shape models: SQS answers
# ``InvalidParameterValue`` as ``InvalidParameterValueException`` (boto3 reports it as the
# ``QueryErrorCode``) while the ``x-amzn-query-error`` header keeps the old code.
LEGACY_JSON_TYPES: dict[str, dict[str, str]] = {
    "sqs": {
        "InvalidParameterValue": "InvalidParameterValueException",
        "MissingParameter": "MissingRequiredParameterException",
    },
}


@dataclass(frozen=True)
class ErrorInfo:
    shape: Shape | None  # None: a code the spec does not model; sent with the generic shape
    type_name: str  # json/cbor ``__type`` and rest-json ``x-amzn-ErrorType``
    wire_code: str  # query/ec2/rest-xml ``<Code>``, awsQueryCompatible header
    message_member: str | None  # the shape's member holding the message, if it models one

    def fields_without_message(self, fields: dict[str, object]) -> dict[str, object]:
        if self.message_member is None or self.message_member not in fields:
            return fields
        return {name: value for name, value in fields.items() if name != self.message_member}


def _wire_code(service_model: ServiceModel, shape: Shape) -> str:
    service = service_model.metadata.get("endpointPrefix", "")
    legacy = LEGACY_QUERY_CODES.get(service, {}).get(shape.name)
    return legacy or shape.error_code or shape.name


@cache
def _error_shapes_by_code(service_model: ServiceModel) -> dict[str, Shape]:
    index: dict[str, Shape] = {}
    for shape in service_model.error_shapes:
        index.setdefault(shape.name, shape)
        index.setdefault(shape.error_code, shape)
        index.setdefault(_wire_code(service_model, shape), shape)
    return index


def _find_error_shape(service_model: ServiceModel, code: str) -> Shape | None:
    shape = _error_shapes_by_code(service_model).get(code)
    if shape is not None:
        return shape
    try:  # an exception shape no operation lists
        shape = service_model.shape_for(code)
    except NoShapeFoundError:
        return None
    return shape if shape.metadata.get("exception") else None


@lru_cache(maxsize=ERROR_LOOKUPS_CACHED_MAX)
def error_info(service_model: ServiceModel, code: str) -> ErrorInfo:
    shape = _find_error_shape(service_model, code)
    if shape is None:
        service = service_model.metadata.get("endpointPrefix", "")
        return ErrorInfo(None, LEGACY_JSON_TYPES.get(service, {}).get(code, code), code, None)
    message_member = next(
        (name for name in shape.members if name.lower() == "message"),  # type: ignore[attr-defined]
        None,
    )
    return ErrorInfo(shape, shape.name, _wire_code(service_model, shape), message_member)


# Services whose JSON ``__type`` carries the Coral namespace, as DynamoDB's does:
# ``com.amazonaws.dynamodb.v20120810#ResourceNotFoundException``; the framework's own errors
# (validation, auth, serialization) come from Coral's namespaces instead.
_TYPE_NAMESPACES = {
    "DynamoDB_20120810": "com.amazonaws.dynamodb.v20120810#",
    "DynamoDBStreams_20120810": "com.amazonaws.dynamodb.v20120810#",
}
_CORAL_NAMESPACES = {
    "ValidationException": "com.amazon.coral.validate#",
    "ThrottlingException": "com.amazon.coral.availability#",
    **{
        name: "com.amazon.coral.service#"
        for name in (
            "AccessDeniedException", "IncompleteSignatureException", "InternalFailure",
            "InvalidSignatureException", "MissingAuthenticationTokenException",
            "SerializationException", "UnknownOperationException",
            "UnrecognizedClientException", "RequestExpired",
        )
    },
}  # fmt: skip


@cache
def json_type(service_model: ServiceModel, type_name: str) -> str:
    """The ``__type`` a JSON-protocol service sends for an error shape name."""
    namespace = _TYPE_NAMESPACES.get(service_model.metadata.get("targetPrefix", ""))
    if namespace is None or "#" in type_name:
        return type_name
    return _CORAL_NAMESPACES.get(type_name, namespace) + type_name


def fault_word(sender_fault: bool) -> str:
    return "Sender" if sender_fault else "Receiver"


def query_error_header(
    service_model: ServiceModel, info: ErrorInfo, sender_fault: bool
) -> str | None:
    """``x-amzn-query-error`` for services that migrated from query and keep its codes."""
    if "awsQueryCompatible" not in service_model.metadata:
        return None
    return f"{info.wire_code};{fault_word(sender_fault)}"
