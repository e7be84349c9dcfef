"""A small Lambda runtime client for Python workers without AWS's ``awslambdaric``.

Runs as a script in the worker (any Python 3.9+, stdlib only): loads ``_HANDLER`` from
``LAMBDA_TASK_ROOT`` and speaks the Runtime API at ``AWS_LAMBDA_RUNTIME_API`` with the same
requests, context object and error shapes as AWS's client.
"""

import http.client
import importlib
import json
import os
import sys
import time
import traceback

API = "/2018-06-01/runtime"


class LambdaContext:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = _json_or_none(headers.get("Lambda-Runtime-Client-Context"))
        self.identity = _json_or_none(headers.get("Lambda-Runtime-Cognito-Identity"))

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def _json_or_none(value):
    return json.loads(value) if value else None


def _error(exc, error_type=None):
    # The handler's frames only, as AWS shows them: none of this bootstrap's own.
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if frame.filename != __file__]
    return {"errorMessage": str(exc), "errorType": error_type or type(exc).__name__,
            "requestId": "", "stackTrace": traceback.format_list(frames)}


def _load_handler(spec):
    module_path, _, function_name = spec.rpartition(".")
    if not module_path:
        raise _InitError("Runtime.MalformedHandlerName",
                         f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)")
    try:
        module = importlib.import_module(module_path.replace("/", "."))
    except ImportError as exc:
        raise _InitError("Runtime.ImportModuleError",
                         f"Unable to import module '{module_path}': {exc}") from None
    except SyntaxError as exc:
        # awslambdaric's one frame for a syntax error: the file and line, then the source.
        frame = f'  File "{exc.filename}" Line {exc.lineno}\n    {(exc.text or "").strip()}\n'
        raise _InitError("Runtime.UserCodeSyntaxError",
                         f"Syntax error in module '{module_path}': {exc}", [frame]) from None
    # Any other exception the module raises goes out as itself, as AWS reports it.
    handler = getattr(module, function_name, None)
    if handler is None:
        raise _InitError("Runtime.HandlerNotFound",
                         f"Handler '{function_name}' missing on module '{module_path}'")
    return handler


class _InitError(Exception):
    def __init__(self, error_type, message, stack_trace=()):
        super().__init__(message)
        self.error_type = error_type
        self.stack_trace = list(stack_trace)


def _init_error_body(exc):
    if isinstance(exc, _InitError):
        return {"errorMessage": str(exc), "errorType": exc.error_type, "requestId": "",
                "stackTrace": exc.stack_trace}
    return _error(exc)


def main():
    connection = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])

    def post(path, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body)
        connection.request("POST", API + path, data, headers or {})
        connection.getresponse().read()

    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", "."))
    try:
        handler = _load_handler(os.environ["_HANDLER"])
    except Exception as exc:
        body = _init_error_body(exc)
        error_type = body["errorType"]
        print(f"[ERROR] {error_type}: {exc}", flush=True)
        post("/init/error", body, {"Lambda-Runtime-Function-Error-Type": error_type})
        sys.exit(1)
    while True:
        connection.request("GET", API + "/invocation/next")
        response = connection.getresponse()
        event_bytes = response.read()
        headers = dict(response.getheaders())
        context = LambdaContext(headers)
        request_id = context.aws_request_id
        os.environ["_X_AMZN_TRACE_ID"] = headers.get("Lambda-Runtime-Trace-Id", "")
        try:
            result = handler(json.loads(event_bytes or b"null"), context)
        except Exception as exc:
            _post_error(post, request_id, _error(exc))
            continue
        try:
            answer = json.dumps(result).encode()
        except (TypeError, ValueError, RecursionError) as exc:
            _post_error(post, request_id, {
                "errorMessage": f"Unable to marshal response: {exc}",
                "errorType": "Runtime.MarshalError", "requestId": "", "stackTrace": []})
            continue
        post(f"/invocation/{request_id}/response", answer)


def _post_error(post, request_id, body):
    body["requestId"] = request_id
    print(f"[ERROR] {body['errorType']}: {body['errorMessage']}", flush=True)
    post(f"/invocation/{request_id}/error", body,
         {"Lambda-Runtime-Function-Error-Type": "Unhandled"})


if __name__ == "__main__":
    main()
