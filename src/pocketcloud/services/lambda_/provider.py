"""Lambda's operations (botocore's ``lambda``); each lives in the module for its resource."""

from pocketcloud.services.lambda_.aliases import (
    create_alias,
    delete_alias,
    get_alias,
    list_aliases,
    update_alias,
)
from pocketcloud.services.lambda_.code_signing import (
    create_code_signing_config,
    delete_code_signing_config,
    delete_function_code_signing_config,
    get_code_signing_config,
    get_function_code_signing_config,
    list_code_signing_configs,
    list_functions_by_code_signing_config,
    put_function_code_signing_config,
    update_code_signing_config,
)
from pocketcloud.services.lambda_.event_sources import mappings
from pocketcloud.services.lambda_.function_configs import (
    get_function_recursion_config,
    get_function_scaling_config,
    get_runtime_management_config,
    put_function_recursion_config,
    put_function_scaling_config,
    put_runtime_management_config,
)
from pocketcloud.services.lambda_.function_policies import (
    delete_resource_policy,
    get_resource_policy,
    put_resource_policy,
)
from pocketcloud.services.lambda_.functions import (
    create_function,
    delete_function,
    get_function,
    get_function_configuration,
    list_functions,
    list_versions_by_function,
    publish_version,
    update_function_code,
    update_function_configuration,
)
from pocketcloud.services.lambda_.invoke import invoke
from pocketcloud.services.lambda_.layer_policies import (
    add_layer_version_permission,
    get_layer_version_policy,
    remove_layer_version_permission,
)
from pocketcloud.services.lambda_.layers import (
    delete_layer_version,
    get_layer_version,
    get_layer_version_by_arn,
    list_layer_versions,
    list_layers,
    publish_layer_version,
)
from pocketcloud.services.lambda_.policies import add_permission, get_policy, remove_permission
from pocketcloud.services.lambda_.provisioned import (
    delete_provisioned_concurrency_config,
    get_provisioned_concurrency_config,
    list_provisioned_concurrency_configs,
    put_provisioned_concurrency_config,
)
from pocketcloud.services.lambda_.response_stream import (
    invoke_async,
    invoke_with_response_stream,
)
from pocketcloud.services.lambda_.settings import (
    delete_function_concurrency,
    delete_function_event_invoke_config,
    get_account_settings,
    get_function_concurrency,
    get_function_event_invoke_config,
    list_function_event_invoke_configs,
    list_tags,
    put_function_concurrency,
    put_function_event_invoke_config,
    tag_resource,
    untag_resource,
    update_function_event_invoke_config,
)
from pocketcloud.services.lambda_.urls import (
    create_function_url_config,
    delete_function_url_config,
    get_function_url_config,
    list_function_url_configs,
    update_function_url_config,
)
from pocketcloud.services.lambda_.user_errors import lambda_operation

create_event_source_mapping = mappings.create_event_source_mapping
update_event_source_mapping = mappings.update_event_source_mapping
get_event_source_mapping = mappings.get_event_source_mapping
delete_event_source_mapping = mappings.delete_event_source_mapping
list_event_source_mappings = mappings.list_event_source_mappings

__all__ = [
    "create_event_source_mapping", "delete_event_source_mapping", "get_event_source_mapping",
    "list_event_source_mappings", "update_event_source_mapping",
    "add_permission", "create_alias", "create_function", "delete_alias",
    "delete_function", "delete_function_concurrency", "delete_function_event_invoke_config",
    "delete_layer_version", "get_account_settings", "get_alias", "get_function",
    "get_function_concurrency", "get_function_configuration", "get_function_event_invoke_config",
    "get_layer_version", "get_layer_version_by_arn", "get_policy", "invoke", "list_aliases",
    "list_function_event_invoke_configs", "list_functions", "list_layer_versions", "list_layers",
    "list_tags", "list_versions_by_function", "publish_layer_version", "publish_version",
    "put_function_concurrency", "put_function_event_invoke_config", "remove_permission",
    "tag_resource", "untag_resource", "update_alias", "update_function_code",
    "update_function_configuration", "update_function_event_invoke_config",
    "create_function_url_config", "delete_function_url_config", "get_function_url_config",
    "list_function_url_configs", "update_function_url_config",
    "delete_provisioned_concurrency_config", "get_provisioned_concurrency_config",
    "list_provisioned_concurrency_configs", "put_provisioned_concurrency_config",
    "add_layer_version_permission", "get_layer_version_policy", "remove_layer_version_permission",
    "invoke_async", "invoke_with_response_stream",
    "get_function_recursion_config", "put_function_recursion_config",
    "get_runtime_management_config", "put_runtime_management_config",
    "get_function_scaling_config", "put_function_scaling_config",
    "delete_resource_policy", "get_resource_policy", "put_resource_policy",
    "create_code_signing_config", "delete_code_signing_config", "get_code_signing_config",
    "list_code_signing_configs", "update_code_signing_config",
    "delete_function_code_signing_config", "get_function_code_signing_config",
    "put_function_code_signing_config", "list_functions_by_code_signing_config",
]

# Every operation answers its user errors with Type: "User" (user_errors.py).
for _name in __all__:
    globals()[_name] = lambda_operation(globals()[_name])
