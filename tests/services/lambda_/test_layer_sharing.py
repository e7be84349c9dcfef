"""--iam enforce: another account's functions may use a layer version only where the layer's
policy (AddLayerVersionPermission) grants lambda:GetLayerVersion, as in AWS."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import unique_name, zip_of
from tests.support import Server, enforcing_client

OWNER, USER = "000000000000", "111111111111"
CONTENT = {"ZipFile": zip_of({"python/helper.py": "VALUE = 1\n"})}


def _lambda(server: Server, account: str) -> Any:
    key = "test" if account == OWNER else account
    return enforcing_client(server, "lambda", key)


def _create_with(lam: Any, layer_arn: str) -> None:
    lam.create_function(FunctionName=unique_name(), Runtime="python3.11",
                        Role=f"arn:aws:iam::{USER}:role/lambda-role", Handler="app.handler",
                        Code={"ZipFile": zip_of({"app.py": "def handler(e, c): return 1\n"})},
                        Layers=[layer_arn])


def _denied(call: Any, *args: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call(*args, **params)
    return raised.value.response


def test_a_layer_is_shared_by_its_policy(enforcing: Server) -> None:
    owner, user = _lambda(enforcing, OWNER), _lambda(enforcing, USER)
    name = unique_name("shared")
    layer_arn = owner.publish_layer_version(LayerName=name, Content=CONTENT)["LayerVersionArn"]
    refused = _denied(_create_with, user, layer_arn)
    assert refused["Error"]["Code"] == "AccessDeniedException"
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert refused["Error"]["Message"].startswith(
        f"Account: arn:aws:iam::{USER}:root is not authorized to perform: "
        f"lambda:GetLayerVersion on resource: {layer_arn}")
    assert _denied(user.get_layer_version_by_arn, Arn=layer_arn)["Error"]["Code"] == (
        "AccessDeniedException")
    owner.add_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="user",
                                       Action="lambda:GetLayerVersion", Principal=USER)
    _create_with(user, layer_arn)
    assert user.get_layer_version_by_arn(Arn=layer_arn)["LayerVersionArn"] == layer_arn
    owner.remove_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="user")
    assert _denied(_create_with, user, layer_arn)["Error"]["Code"] == "AccessDeniedException"


def test_a_public_layer_is_usable_by_anyone(enforcing: Server) -> None:
    owner, user = _lambda(enforcing, OWNER), _lambda(enforcing, USER)
    name = unique_name("public")
    layer_arn = owner.publish_layer_version(LayerName=name, Content=CONTENT)["LayerVersionArn"]
    owner.add_layer_version_permission(LayerName=name, VersionNumber=1, StatementId="all",
                                       Action="lambda:GetLayerVersion", Principal="*")
    _create_with(user, layer_arn)
    _create_with(owner, layer_arn)  # the owner never needs a grant
