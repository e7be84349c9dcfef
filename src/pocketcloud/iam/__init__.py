"""IAM's policy language and evaluation logic: a pure engine, no store, no HTTP.

The gateway (enforcement), IAM's Simulate* operations and STS's AssumeRole all decide with it::

    from pocketcloud.iam import (AuthorizationRequest, Decision, Principal, PolicyError,
                                 evaluate, parse_policy)

    policy = parse_policy(document_json, kind="identity", name="arn:aws:iam::1:policy/P")
    #   kind: "identity" (identity, boundary and session policies), "resource", "trust";
    #   raises PolicyError(message) with IAM's MalformedPolicyDocument message. Parsing is
    #   cached by document text, so calling it per request is cheap.
    decision = evaluate(AuthorizationRequest(
        principal=Principal(arn, account_id, type="user", tags={...}, role_arn="", user_id="",
                            name="alice"),
            # type: root | user | assumed-role | federated-user | service | web-identity
            #       | anonymous; role_arn is an assumed-role session's role ARN
        action="s3:GetObject",
        resources=["arn:aws:s3:::bucket/key"],   # each must be allowed; "*" for none
        context={"aws:SourceIp": "10.0.0.1", "s3:prefix": ["a/", "b/"]},
            # keys any case; principal-derived keys and aws:CurrentTime/EpochTime are filled in
            # when absent (pass them from the cloud clock to follow it)
        identity_policies=[...], boundary=None, session_policies=[...],
        resource_policy=None, resource_account=None,   # None: the principal's account
    ))
    decision.allowed, decision.reason, decision.message, decision.policy, decision.statement

``reason`` is one of allowed, explicit-deny, implicit-deny, boundary, session-policy,
no-resource-policy; ``message`` is AWS's AccessDenied wording ("User: ARN is not authorized to
perform: ACTION on resource: ARN because no identity-based policy allows the ACTION action").
``pocketcloud.iam.actions.authorization_target`` maps an operation to its action and resources.
"""

from pocketcloud.iam.errors import PolicyError
from pocketcloud.iam.evaluation import (
    AuthorizationRequest,
    Decision,
    Principal,
    evaluate,
    matching_statements,
    request_context,
)
from pocketcloud.iam.policy import Policy, Statement, parse_policy

__all__ = [
    "AuthorizationRequest",
    "Decision",
    "Policy",
    "PolicyError",
    "Principal",
    "Statement",
    "evaluate",
    "matching_statements",
    "parse_policy",
    "request_context",
]
