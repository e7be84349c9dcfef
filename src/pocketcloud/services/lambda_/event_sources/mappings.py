"""Event source mappings (SQS queues and DynamoDB streams): Create/Get/Update/Delete/List.

A mapping is kept as the configuration AWS returns. Its State moves as AWS reports it:
Creating -> Enabled (or Disabled), Enabling/Disabling/Updating -> Enabled/Disabled, and
Deleting until the pollers have let go; the background job (supervisor.py) makes each move.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services import internal
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.event_sources import invoking, supervisor
from pocketcloud.services.lambda_.event_sources.schema import store
from pocketcloud.services.lambda_.names import parse_function_name
from pocketcloud.services.lambda_.schema import store as lambda_store

MAPPINGS_PER_REGION_MAX = 1000
LIST_MAX_ITEMS = 100
SQS_BATCH_MAX, SQS_FIFO_BATCH_MAX, SQS_BATCH_DEFAULT = 10000, 10, 10
STREAM_BATCH_MAX, STREAM_BATCH_DEFAULT = 10000, 100
SCALING_MIN, SCALING_MAX = 2, 1000
STARTING_POSITIONS = ("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SQS_ARN = re.compile(r"arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):(.+)")
_STREAM_ARN = re.compile(r"arn:aws[\w-]*:dynamodb:([a-z0-9-]+):(\d{12}):table/[^/]+/stream/.+")


def invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterValueException", message)


def not_found() -> AwsError:
    return AwsError("ResourceNotFoundException", "The resource you requested does not exist.",
                    404)


def _user_action(kind: str) -> str:
    """AWS words a user's change differently for queues and for streams."""
    return "USER_INITIATED" if kind == "sqs" else "User action"


def source_kind(source_arn: str) -> str:
    if _SQS_ARN.fullmatch(source_arn):
        return "sqs"
    if _STREAM_ARN.fullmatch(source_arn):
        return "dynamodb"
    raise invalid(f"Unrecognized event source, must be kinesis, dynamodb stream or sqs. "
                  f"Unsupported source arn : {source_arn}")


async def create_event_source_mapping(ctx: RequestContext,
                                      params: dict[str, Any]) -> dict[str, Any]:
    _check_position_value(params.get("StartingPosition"))
    source_arn = params.get("EventSourceArn")
    if not source_arn:
        raise invalid("Unrecognized event source.")
    kind = source_kind(source_arn)
    function_arn, timeout_s = _function(ctx, params["FunctionName"])
    config: dict[str, Any] = {
        "UUID": ctx.cloud.ids.uuid4(), "EventSourceArn": source_arn,
        "FunctionArn": function_arn, "StateTransitionReason": _user_action(kind),
    }
    config["EventSourceMappingArn"] = arn("lambda", ctx.region, ctx.account_id,
                                          f"event-source-mapping:{config['UUID']}")
    if kind == "sqs":
        fifo = await _check_queue(ctx, source_arn, timeout_s)
        _sqs_settings(config, params, fifo)
    else:
        await _check_stream(ctx, source_arn)
        _stream_settings(config, params, creating=True)
    _common_settings(config, params)
    config["LastModified"] = ctx.cloud.clock.now()
    enabled = params.get("Enabled", True) is not False
    # AWS answers a queue's mapping created disabled as Disabled at once (no Creating step).
    config["State"] = "Disabled" if kind == "sqs" and not enabled else "Creating"
    with store(ctx).write() as tx:
        _check_unique(tx, ctx, kind, source_arn, function_arn, params["FunctionName"])
        count = tx.fetchvalue("SELECT COUNT(*) FROM lambda_event_source_mappings WHERE "
                              "account_id = ? AND region = ?", (ctx.account_id, ctx.region))
        if count >= MAPPINGS_PER_REGION_MAX:
            raise AwsError("ResourceLimitExceededException", "Too many event source mappings.",
                           429, fields={"Type": "User"})
        tx.execute("INSERT INTO lambda_event_source_mappings (uuid, account_id, region, kind, "
                   "source_arn, function_arn, config, target_state) VALUES (?, ?, ?, ?, ?, ?, "
                   "?, ?)", (config["UUID"], ctx.account_id, ctx.region, kind, source_arn,
                             function_arn, json.dumps(config),
                             "Enabled" if enabled else "Disabled"))
    supervisor.wake(ctx.cloud)
    return config


def _check_position_value(position: Any) -> None:
    """A StartingPosition outside the enum fails the request's validation, for every source."""
    if position is not None and position not in STARTING_POSITIONS:
        raise AwsError("ValidationException", "1 validation error detected: Value "
                       f"'{position}' at 'startingPosition' failed to satisfy constraint: "
                       "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, "
                       "TRIM_HORIZON]")


def _function(ctx: RequestContext, name: str) -> tuple[str, int]:
    """The mapping's function; AWS words a missing one more tersely here than elsewhere."""
    ref = parse_function_name(ctx, name)
    with lambda_store(ctx).read() as tx:
        if not records.function_exists(tx, ref):
            raise AwsError("ResourceNotFoundException", "Function does not exist", 404)
        found = records.load_version(tx, ref, "$LATEST")
    timeout_s = int((found[0] if found else {}).get("Timeout", 3))
    return ref.qualified_arn, timeout_s


async def _check_queue(ctx: RequestContext, queue_arn: str, timeout_s: int) -> bool:
    m = _SQS_ARN.fullmatch(queue_arn)
    assert m is not None
    region, account_id, name = m.groups()
    try:
        found = await internal.acall(
            ctx.cloud, "sqs", "GetQueueAttributes",
            {"QueueUrl": f"https://sqs.{region}.amazonaws.com/{account_id}/{name}",
             "AttributeNames": ["VisibilityTimeout"]}, account_id=account_id, region=region)
    except AwsError:
        raise invalid("Error occurred while ReceiveMessage. SQS Error Code: "
                      "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The "
                      "specified queue does not exist for this wsdl version.") from None
    visibility_s = int(found["Attributes"]["VisibilityTimeout"])
    if visibility_s < timeout_s:
        raise invalid(f"Queue visibility timeout: {visibility_s} seconds is less than "
                      f"Function timeout: {timeout_s} seconds")
    return name.endswith(".fifo")


async def _check_stream(ctx: RequestContext, stream_arn: str) -> None:
    parts = stream_arn.split(":")
    try:
        await internal.acall(ctx.cloud, "dynamodbstreams", "DescribeStream",
                             {"StreamArn": stream_arn}, account_id=parts[4], region=parts[3])
    except AwsError:
        raise invalid(f"Stream not found: {stream_arn}") from None


def _bounded(params: dict[str, Any], member: str, low: int, high: int) -> int | None:
    value = params.get(member)
    if value is not None and not low <= value <= high:
        raise invalid(f"{member} must be between {low} and {high}, inclusive.")
    return value


def _sqs_settings(config: dict[str, Any], params: dict[str, Any], fifo: bool) -> None:
    if params.get("StartingPosition") or params.get("StartingPositionTimestamp") is not None:
        raise invalid("StartingPosition is not valid for SQS event sources.")
    for member in ("BisectBatchOnFunctionError", "MaximumRetryAttempts",
                   "MaximumRecordAgeInSeconds", "ParallelizationFactor", "DestinationConfig"):
        if params.get(member) is not None:
            raise invalid(f"Unsupported {member} for SQS event sources.")
    batch_max = SQS_FIFO_BATCH_MAX if fifo else SQS_BATCH_MAX
    batch = _bounded(params, "BatchSize", 1, batch_max)
    window = _bounded(params, "MaximumBatchingWindowInSeconds", 0, 300)
    config["BatchSize"] = batch if batch is not None else config.get("BatchSize",
                                                                      SQS_BATCH_DEFAULT)
    if window is not None:
        config["MaximumBatchingWindowInSeconds"] = window
    config.setdefault("MaximumBatchingWindowInSeconds", 0)
    if fifo and config["MaximumBatchingWindowInSeconds"]:
        raise invalid("Batching window is not supported for FIFO queues")
    if config["BatchSize"] > 10 and config["MaximumBatchingWindowInSeconds"] < 1:
        raise invalid("Maximum batch window in seconds must be greater than 0 if maximum "
                      "batch size is greater than 10")
    scaling = params.get("ScalingConfig")
    if scaling is not None:
        concurrency = scaling.get("MaximumConcurrency")
        if concurrency is not None and not SCALING_MIN <= concurrency <= SCALING_MAX:
            raise invalid("MaximumConcurrency must be between 2 and 1000, inclusive.")
        config["ScalingConfig"] = scaling


def _stream_settings(config: dict[str, Any], params: dict[str, Any], creating: bool) -> None:
    if creating:
        position = params.get("StartingPosition")
        if not position:
            raise invalid("1 validation error detected: Value null at 'startingPosition' failed "
                          "to satisfy constraint: Member must not be null.")
        if params.get("StartingPositionTimestamp") is not None and position != "AT_TIMESTAMP":
            raise invalid("Timestamp only valid with StartingPosition AT_TIMESTAMP")
        if position not in ("TRIM_HORIZON", "LATEST"):
            raise invalid("Unsupported starting position for arn type: "
                          f"{config['EventSourceArn']}")
        config.update({"StartingPosition": position, "ParallelizationFactor": 1,
                       "MaximumRecordAgeInSeconds": -1, "BisectBatchOnFunctionError": False,
                       "MaximumRetryAttempts": -1, "TumblingWindowInSeconds": 0,
                       "DestinationConfig": {"OnFailure": {}},
                       "LastProcessingResult": "No records processed"})
    batch = _bounded(params, "BatchSize", 1, STREAM_BATCH_MAX)
    config["BatchSize"] = batch if batch is not None else config.get("BatchSize",
                                                                      STREAM_BATCH_DEFAULT)
    window = _bounded(params, "MaximumBatchingWindowInSeconds", 0, 300)
    config["MaximumBatchingWindowInSeconds"] = window if window is not None else config.get(
        "MaximumBatchingWindowInSeconds", 0)
    retries = _bounded(params, "MaximumRetryAttempts", -1, 10000)
    if retries is not None:
        config["MaximumRetryAttempts"] = retries
    age = _bounded(params, "MaximumRecordAgeInSeconds", -1, 604800)
    if age is not None:
        if 0 <= age < 60:
            raise invalid("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.")
        config["MaximumRecordAgeInSeconds"] = age
    if params.get("BisectBatchOnFunctionError") is not None:
        config["BisectBatchOnFunctionError"] = bool(params["BisectBatchOnFunctionError"])
    destination = params.get("DestinationConfig")
    if destination is not None:
        target = (destination.get("OnFailure") or {}).get("Destination")
        if target and not re.match(r"arn:aws[\w-]*:(sqs|sns):", target):
            raise invalid("Unsupported DestinationConfig: OnFailure destination must be an "
                          "SQS queue or an SNS topic.")
        config["DestinationConfig"] = {"OnFailure": {"Destination": target} if target else {}}
    factor = _bounded(params, "ParallelizationFactor", 1, 10)
    if factor is not None:
        config["ParallelizationFactor"] = factor


def _common_settings(config: dict[str, Any], params: dict[str, Any]) -> None:
    types = params.get("FunctionResponseTypes")
    if types is not None:
        if any(t != "ReportBatchItemFailures" for t in types):
            raise invalid("Unsupported FunctionResponseTypes: only ReportBatchItemFailures is "
                          "supported.")
        config["FunctionResponseTypes"] = list(types)
    config.setdefault("FunctionResponseTypes", [])
    if params.get("FilterCriteria") is not None:
        invoking.check_filters(params["FilterCriteria"])
        config["FilterCriteria"] = params["FilterCriteria"]


def _check_unique(tx: Any, ctx: RequestContext, kind: str, source_arn: str,
                  function_arn: str, function_name: str) -> None:
    """AWS's conflict message names the function as the request gave it."""
    found = tx.fetchvalue("SELECT uuid FROM lambda_event_source_mappings WHERE account_id = ? "
                          "AND region = ? AND source_arn = ? AND function_arn = ?",
                          (ctx.account_id, ctx.region, source_arn, function_arn))
    if not found:
        return
    if kind == "sqs":
        message = (f'An event source mapping with SQS arn (" {source_arn} ") and function '
                   f'(" {function_name} ") already exists.')
    else:
        message = (f'The event source arn (" {source_arn} ") and function '
                   f'(" {function_name} ") provided mapping already exists.')
    raise AwsError("ResourceConflictException", f"{message} Please update or delete the "
                   f"existing mapping with UUID {found}", 409)


def _load(tx: Any, ctx: RequestContext, uuid: str) -> tuple[dict[str, Any], str]:
    if not _UUID.fullmatch(uuid or ""):
        raise not_found()
    row = tx.fetchone("SELECT config, target_state FROM lambda_event_source_mappings WHERE "
                      "uuid = ? AND account_id = ? AND region = ?",
                      (uuid, ctx.account_id, ctx.region))
    if row is None:
        raise not_found()
    return json.loads(row[0]), row[1]


def get_event_source_mapping(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).read() as tx:
        return _load(tx, ctx, params["UUID"])[0]


def update_event_source_mapping(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).write() as tx:
        config, target = _load(tx, ctx, params["UUID"])
        if config["State"] in ("Creating", "Deleting", "Updating", "Enabling", "Disabling"):
            raise AwsError("ResourceInUseException", "Cannot update the event source mapping "
                           f"because it is in use. Current state: {config['State']}", 400,
                           fields={"Type": "User"})
        if params.get("FunctionName"):
            config["FunctionArn"] = _function(ctx, params["FunctionName"])[0]
        if source_kind(config["EventSourceArn"]) == "sqs":
            _sqs_settings(config, params, config["EventSourceArn"].endswith(".fifo"))
        else:
            _stream_settings(config, params, creating=False)
        _common_settings(config, params)
        if params.get("Enabled") is not None:
            target = "Enabled" if params["Enabled"] else "Disabled"
        config["State"] = {"Enabled": "Enabling", "Disabled": "Disabling"}[target] \
            if target != config["State"] else "Updating"
        config["LastModified"] = ctx.cloud.clock.now()
        config["StateTransitionReason"] = _user_action(source_kind(config["EventSourceArn"]))
        tx.execute("UPDATE lambda_event_source_mappings SET config = ?, target_state = ?, "
                   "function_arn = ? WHERE uuid = ?",
                   (json.dumps(config), target, config["FunctionArn"], config["UUID"]))
    supervisor.wake(ctx.cloud)
    return config


def delete_event_source_mapping(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).write() as tx:
        config, _ = _load(tx, ctx, params["UUID"])
        config["State"] = "Deleting"
        tx.execute("UPDATE lambda_event_source_mappings SET config = ?, target_state = ? "
                   "WHERE uuid = ?", (json.dumps(config), "Deleted", config["UUID"]))
    supervisor.wake(ctx.cloud)
    return config


def list_event_source_mappings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxItems") or LIST_MAX_ITEMS
    if not 1 <= limit <= 10000:
        raise invalid("MaxItems must be between 1 and 10000.")
    limit = min(limit, LIST_MAX_ITEMS)
    marker = params.get("Marker") or ""
    sql = ("SELECT uuid, config FROM lambda_event_source_mappings WHERE account_id = ? AND "
           "region = ? AND uuid > ?")
    args: list[Any] = [ctx.account_id, ctx.region, marker]
    if params.get("EventSourceArn"):
        sql += " AND source_arn = ?"
        args.append(params["EventSourceArn"])
    if params.get("FunctionName"):
        sql += " AND function_arn = ?"
        args.append(parse_function_name(ctx, params["FunctionName"]).qualified_arn)
    with store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY uuid LIMIT ?", (*args, limit + 1))
    result: dict[str, Any] = {"EventSourceMappings": [json.loads(r[1]) for r in rows[:limit]]}
    if len(rows) > limit:
        result["NextMarker"] = rows[limit - 1][0]
    return result
