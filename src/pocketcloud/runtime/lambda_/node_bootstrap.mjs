// pocketcloud's Lambda runtime client for nodejs*.x functions (Node's standard library only).
//
// Loads _HANDLER ("dir/file.fn") from LAMBDA_TASK_ROOT and speaks the Runtime API at
// AWS_LAMBDA_RUNTIME_API with the requests, context object, log format and error shapes of
// AWS's Node.js runtime: async handlers (returned promise), callback handlers (with
// callbackWaitsForEmptyEventLoop), CommonJS (.js/.cjs) and ES modules (.mjs, or .js in a
// "type": "module" package).

import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import util from "node:util";

const API = "/2018-06-01/runtime";
const [HOST, PORT] = (process.env.AWS_LAMBDA_RUNTIME_API || "127.0.0.1:9001").split(":");
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || process.cwd();
// Free keep-alive sockets are unref'ed by the agent: an idle handler empties the event loop.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const require = createRequire(import.meta.url);
const EXIT_ON_UNCAUGHT = 129; // what AWS's runtime exits with after an uncaught exception

let currentRequestId; // printed as "undefined" during init, as AWS's runtime does
let inFlight = null; // the invocation being handled: { finish(err, result) }

const CALLBACK_REMOVED = "ERROR: AWS Lambda has removed support for callback-based function "
  + "handlers starting with Node.js 24. You need to modify this function to use a supported "
  + "handler signature to use Node.js 24 or later. For more information see "
  + "https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.";

// The runtime's major version (AWS_Lambda_nodejs24.x -> 24), which decides what it accepts.
function runtimeMajor() {
  const match = /nodejs(\d+)\.x$/.exec(process.env.AWS_EXECUTION_ENV || "");
  return match ? Number(match[1]) : 0;
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const allHeaders = data === undefined ? headers
      : { "Content-Type": "application/json", "Content-Length": data.length, ...headers };
    const req = http.request({ host: HOST, port: Number(PORT), method, path: API + urlPath,
      agent, headers: allHeaders }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(data);
  });
}

// console.* lines as AWS's runtime writes them: timestamp, request id, level, message, with
// newlines turned into carriage returns so a multi-line message stays one log event.
function patchConsole() {
  const levels = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG",
    trace: "TRACE", fatal: "FATAL" };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const message = util.format(...args);
      const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}`;
      process.stdout.write(line.replace(/\n/g, "\r") + "\n");
    };
  }
}

function toRapidResponse(error) {
  if (util.types.isNativeError(error) || error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message,
      trace: String(error.stack || "").split("\n") };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function logError(title, rapid) {
  const { errorType, errorMessage, trace } = rapid;
  console.error(`${title} \t${JSON.stringify({ errorType, errorMessage, stack: trace })}`);
}

// --- handler loading, as AWS resolves "moduleRoot/module.handler.path" -------------------

function splitHandler(fullHandler) {
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.length - handlerString.length);
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match || !match[1] || !match[2]) {
    throw new RuntimeError("Runtime.MalformedHandlerName", "Bad handler");
  }
  return [moduleRoot, match[1], match[2]];
}

function isEsmPackage(dir) {
  for (let current = dir; ; current = path.dirname(current)) {
    const manifest = path.join(current, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, "utf8")).type === "module";
      } catch {
        return false;
      }
    }
    if (current === TASK_ROOT || current === path.dirname(current)) return false;
  }
}

async function loadModule(base, moduleName) {
  for (const extension of [".js", ".mjs", ".cjs"]) {
    const file = base + extension;
    if (!fs.existsSync(file)) continue;
    if (extension === ".mjs" || (extension === ".js" && isEsmPackage(path.dirname(file)))) {
      return import(pathToFileURL(file).href);
    }
    try {
      return require(file);
    } catch (error) {
      if (error.code !== "ERR_REQUIRE_ESM" && error.code !== "ERR_REQUIRE_ASYNC_MODULE") {
        throw error;
      }
      return import(pathToFileURL(file).href);
    }
  }
  // No such file: a package from node_modules (NODE_PATH), as AWS's runtime allows.
  return require(moduleName);
}

async function loadHandler(fullHandler) {
  const [moduleRoot, moduleName, handlerPath] = splitHandler(fullHandler);
  let loaded;
  try {
    loaded = await loadModule(path.resolve(TASK_ROOT, moduleRoot, moduleName), moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new RuntimeError("Runtime.UserCodeSyntaxError", String(error));
    }
    if (error.code === "MODULE_NOT_FOUND" || error.code === "ERR_MODULE_NOT_FOUND") {
      throw new RuntimeError("Runtime.ImportModuleError", String(error));
    }
    throw error;
  }
  const handler = handlerPath.split(".").reduce((node, key) => node?.[key], loaded);
  if (handler === undefined) {
    throw new RuntimeError("Runtime.HandlerNotFound",
      `${fullHandler} is undefined or not exported`);
  }
  if (typeof handler !== "function") {
    throw new RuntimeError("Runtime.HandlerNotFound", `${fullHandler} is not a function`);
  }
  if (runtimeMajor() >= 24 && handler.length >= 3
      && handler.constructor?.name !== "AsyncFunction") {
    throw new RuntimeError("Runtime.CallbackHandlerDeprecated", CALLBACK_REMOVED);
  }
  return handler;
}

// --- invocations ---------------------------------------------------------------------------

function makeContext(headers, requestId) {
  const env = process.env;
  const deadlineMs = Number(headers["lambda-runtime-deadline-ms"] || 0);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(deadlineMs - Date.now(), 0),
  };
  const clientContext = jsonOrUndefined(headers["lambda-runtime-client-context"]);
  if (clientContext !== undefined) context.clientContext = clientContext;
  const identity = jsonOrUndefined(headers["lambda-runtime-cognito-identity"]);
  if (identity !== undefined) context.identity = identity;
  return context;
}

function jsonOrUndefined(text) {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function post(requestId, error, result) {
  const base = `/invocation/${requestId}`;
  if (error !== null && error !== undefined) {
    const rapid = toRapidResponse(error);
    logError("Invoke Error", rapid);
    await request("POST", `${base}/error`, JSON.stringify(rapid),
      { "Lambda-Runtime-Function-Error-Type": rapid.errorType });
    return;
  }
  let body;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch (serializeError) {
    await post(requestId, serializeError);
    return;
  }
  await request("POST", `${base}/response`, body);
}

function runOne(handler, next) {
  const requestId = next.headers["lambda-runtime-aws-request-id"];
  currentRequestId = requestId;
  const traceId = next.headers["lambda-runtime-trace-id"];
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  return new Promise((done) => {
    let finished = false;
    let onEmptyLoop = null;
    const setOnEmptyLoop = (listener) => {
      if (onEmptyLoop) process.removeListener("beforeExit", onEmptyLoop);
      onEmptyLoop = listener;
      process.once("beforeExit", listener);
    };
    const finish = (error, result, exitAfter = false) => {
      if (finished) return;
      finished = true;
      if (onEmptyLoop) process.removeListener("beforeExit", onEmptyLoop);
      inFlight = null;
      post(requestId, error, result).then(
        () => (exitAfter ? process.exit(EXIT_ON_UNCAUGHT) : done()), (postError) => {
        process.stderr.write(`runtime API unreachable: ${postError}\n`);
        process.exit(1);
      });
    };
    inFlight = { finish };
    const context = makeContext(next.headers, requestId);
    // The legacy context methods answer at once, without waiting for the event loop.
    context.done = (error, result) => finish(error, result);
    context.succeed = (result) => finish(null, result);
    context.fail = (error) => finish(error ?? "handled");
    const callback = (error, result) => {
      if (context.callbackWaitsForEmptyEventLoop) setOnEmptyLoop(() => finish(error, result));
      else finish(error, result);
    };
    // A handler that neither calls back nor returns a promise answers null once idle.
    setOnEmptyLoop(() => finish(null, null));
    let event;
    try {
      event = JSON.parse(next.body.length ? next.body.toString("utf8") : "null");
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") {
        returned.then((result) => finish(null, result),
          (error) => finish(error ?? new RuntimeError("Runtime.UnhandledPromiseRejection",
            String(error))));
      }
    } catch (error) {
      finish(error);
    }
  });
}

function onUncaught(error, rejected) {
  const failure = rejected
    ? new RuntimeError("Runtime.UnhandledPromiseRejection", String(error)) : error;
  if (inFlight) {
    inFlight.finish(failure, undefined, true); // the invocation fails, then the runtime exits
    return;
  }
  logError("Uncaught Exception", toRapidResponse(failure));
  process.exit(EXIT_ON_UNCAUGHT);
}

async function main() {
  patchConsole();
  process.on("uncaughtException", (error) => onUncaught(error, false));
  process.on("unhandledRejection", (reason) => onUncaught(reason, true));
  let handler;
  try {
    handler = await loadHandler(process.env._HANDLER || "");
  } catch (error) {
    const rapid = toRapidResponse(error);
    logError("Init Error", rapid);
    await request("POST", "/init/error", JSON.stringify(rapid),
      { "Lambda-Runtime-Function-Error-Type": rapid.errorType });
    process.exit(EXIT_ON_UNCAUGHT);
  }
  for (;;) {
    const next = await request("GET", "/invocation/next");
    await runOne(handler, next);
  }
}

main().catch((error) => {
  process.stderr.write(`pocketcloud node runtime failed: ${error?.stack || error}\n`);
  process.exit(1);
});
