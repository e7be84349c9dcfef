"""botocore's service models, loaded lazily per service and cached for the process."""

from __future__ import annotations

from functools import cache

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel

_loader = Loader()


@cache
def service_model(service_name: str) -> ServiceModel:
    """The ServiceModel for a botocore service name (``sts``, ``s3``, ``sqs``...)."""
    data = _loader.load_service_model(service_name, "service-2")
    return ServiceModel(data, service_name=service_name)


@cache
def operation_model(service_name: str, operation_name: str) -> OperationModel:
    return service_model(service_name).operation_model(operation_name)


def available_services() -> list[str]:
    return list(_loader.list_available_services("service-2"))
