"""One record set from a change batch, checked and normalized the way Route 53 does it.

Errors that AWS reports as InvalidInput (a malformed request) are raised at once; errors it
reports in an InvalidChangeBatch (a well-formed change that cannot apply) are returned as
messages, so a batch can report all of them together as AWS does.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from pocketcloud.errors import AwsError
from pocketcloud.infra.regions import is_valid_region
from pocketcloud.services.route53 import names

RECORD_TYPES = frozenset({"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "CAA", "PTR",
                          "SPF", "NAPTR", "DS"})
ROUTING_FIELDS = ("Weight", "Region", "Failover", "GeoLocation", "MultiValueAnswer",
                  "GeoProximityLocation", "CidrRoutingConfig")
SERVED_ROUTING_FIELDS = ROUTING_FIELDS[:5]
CONTINENTS = frozenset({"AF", "AN", "AS", "EU", "OC", "NA", "SA"})
TTL_MAX_S = 2147483647
WEIGHT_MAX = 255
VALUES_MAX = 400  # values in one record set
SET_IDENTIFIER_LENGTH_MAX = 128
TXT_STRING_LENGTH_MAX = 255


def describe(action: str, rrset: dict[str, Any]) -> str:
    """How AWS quotes a change in InvalidInput messages."""
    set_id = rrset.get("SetIdentifier")
    return (f"Change with [Action={action}, Name={rrset.get('Name')}, Type={rrset.get('Type')}, "
            f"SetIdentifier={set_id if set_id is not None else 'null'}]")


def quoted(rrset: dict[str, Any]) -> str:
    """How AWS quotes a record set in InvalidChangeBatch messages."""
    text = f"name='{rrset['Name']}', type='{rrset['Type']}'"
    if rrset.get("SetIdentifier") is not None:
        text += f", set-identifier='{rrset['SetIdentifier']}'"
    return f"[{text}]"


def normalize_rrset(action: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The record set in Route 53's stored form; raises InvalidInput for malformed input."""
    where = describe(action, raw)
    rtype = raw.get("Type") or ""
    if rtype not in RECORD_TYPES:
        raise AwsError("InvalidInput", f"Invalid request: record type {rtype!r} is not "
                       f"supported in {where}")
    rrset: dict[str, Any] = {"Name": names.normalize(raw.get("Name") or ""), "Type": rtype}
    _routing(raw, rrset, where)
    _target(raw, rrset, where)
    if raw.get("HealthCheckId"):
        rrset["HealthCheckId"] = raw["HealthCheckId"]
    return rrset


def _routing(raw: dict[str, Any], rrset: dict[str, Any], where: str) -> None:
    present = [f for f in ROUTING_FIELDS if raw.get(f) is not None]
    set_id: str = raw.get("SetIdentifier") or ""
    expected = "[Weight, Region, Failover, GeoLocation, MultiValueAnswer, " \
               "GeoProximityLocation, or CidrRoutingConfig]"
    if len(present) > 1:
        raise AwsError("InvalidInput", f"Invalid request: Expected exactly one of {expected}, "
                       f"but found more than one in {where}")
    if raw.get("SetIdentifier") is not None and not present:
        raise AwsError("InvalidInput", f"Invalid request: Expected exactly one of {expected}, "
                       f"but found none in {where}")
    if present and raw.get("SetIdentifier") is None:
        raise AwsError("InvalidInput", f"Invalid request: Missing field 'SetIdentifier' in "
                       f"{where}")
    if not present:
        return
    if not 1 <= len(set_id) <= SET_IDENTIFIER_LENGTH_MAX:
        raise AwsError("InvalidInput", "Invalid request: SetIdentifier must be 1 to "
                       f"{SET_IDENTIFIER_LENGTH_MAX} characters in {where}")
    field = present[0]
    if field not in SERVED_ROUTING_FIELDS:
        raise AwsError("InvalidInput", f"Invalid request: pocketcloud does not serve {field} "
                       f"routing yet ({where})")
    rrset["SetIdentifier"] = set_id
    rrset[field] = _routing_value(field, raw[field], where)


def _routing_value(field: str, value: Any, where: str) -> Any:
    if field == "Weight" and not 0 <= int(value) <= WEIGHT_MAX:
        raise AwsError("InvalidInput", f"Invalid request: Weight must be between 0 and "
                       f"{WEIGHT_MAX} in {where}")
    if field == "Region" and not is_valid_region(value):
        raise AwsError("InvalidInput", f"Invalid request: {value} is not a valid region in "
                       f"{where}")
    if field == "Failover" and value not in ("PRIMARY", "SECONDARY"):
        raise AwsError("InvalidInput", f"Invalid request: Failover must be PRIMARY or "
                       f"SECONDARY in {where}")
    if field == "GeoLocation":
        return _geolocation(value, where)
    return value


def _geolocation(value: dict[str, Any], where: str) -> dict[str, str]:
    geo = {k: v for k, v in value.items() if v}
    continent, country = geo.get("ContinentCode"), geo.get("CountryCode")
    if continent and (country or geo.get("SubdivisionCode")):
        raise AwsError("InvalidInput", "Invalid request: Cannot specify both a continent and "
                       f"a country or subdivision in {where}")
    if not continent and not country:
        raise AwsError("InvalidInput", "Invalid request: GeoLocation needs ContinentCode or "
                       f"CountryCode in {where}")
    if continent and continent not in CONTINENTS:
        raise AwsError("InvalidInput", f"Invalid request: Value '{continent}' is not a valid "
                       f"continent code in {where}")
    if country and country != "*" and not (len(country) == 2 and country.isalpha()):
        raise AwsError("InvalidInput", f"Invalid request: Value '{country}' is not a valid "
                       f"country code in {where}")
    if geo.get("SubdivisionCode") and not country:
        raise AwsError("InvalidInput", "Invalid request: SubdivisionCode needs CountryCode in "
                       f"{where}")
    return geo


def _target(raw: dict[str, Any], rrset: dict[str, Any], where: str) -> None:
    alias: Any = raw.get("AliasTarget")
    ttl: Any = raw.get("TTL")
    records: Any = raw.get("ResourceRecords")
    has_records = ttl is not None and records is not None
    expected = "[AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId]"
    if alias is not None and (ttl is not None or records is not None):
        raise AwsError("InvalidInput", f"Invalid request: Expected exactly one of {expected}, "
                       f"but found more than one in {where}")
    if alias is None and not has_records:
        missing = "ResourceRecords" if ttl is not None else "TTL"
        if ttl is None and records is None:
            raise AwsError("InvalidInput", f"Invalid request: Expected exactly one of "
                           f"{expected}, but found none in {where}")
        raise AwsError("InvalidInput", f"Invalid request: Missing field '{missing}' in {where}")
    if alias is not None:
        rrset["AliasTarget"] = _alias(alias, where)
        return
    if not 0 <= int(ttl) <= TTL_MAX_S:
        raise AwsError("InvalidInput", f"Invalid request: TTL must be between 0 and "
                       f"{TTL_MAX_S} in {where}")
    values = [str((r or {}).get("Value") or "").strip() for r in records]
    if not values or len(values) > VALUES_MAX:
        raise AwsError("InvalidInput", f"Invalid request: a record set needs 1 to "
                       f"{VALUES_MAX} values in {where}")
    rrset["TTL"] = int(ttl)
    rrset["ResourceRecords"] = [{"Value": v} for v in values]


def _alias(alias: dict[str, Any], where: str) -> dict[str, Any]:
    if not alias.get("HostedZoneId") or not alias.get("DNSName"):
        raise AwsError("InvalidInput", "Invalid request: AliasTarget needs HostedZoneId and "
                       f"DNSName in {where}")
    return {
        "HostedZoneId": alias["HostedZoneId"].rsplit("/", 1)[-1],
        "DNSName": names.normalize(alias["DNSName"]),
        "EvaluateTargetHealth": bool(alias.get("EvaluateTargetHealth")),
    }


# -- values (InvalidChangeBatch messages) --------------------------------------------------


def value_problems(rrset: dict[str, Any]) -> list[str]:
    """What AWS would say about the record set's values; empty when they are all valid."""
    rtype = rrset["Type"]
    values = [r["Value"] for r in rrset.get("ResourceRecords", ())]
    problems = [p for v in values if (p := _value_problem(rtype, v))]
    if rtype in ("CNAME", "SOA") and len(values) > 1:
        problems.append(_fatal("RRDATATooManyValues",
                               f"A {rtype} record set can have only one value", values[1]))
    return problems


def _value_problem(rtype: str, value: str) -> str | None:
    if rtype == "A":
        return None if _is_ip(value, 4) else _fatal("ARRDATAIllegalIPv4Address",
                                                      "Value is not a valid IPv4 address", value)
    if rtype == "AAAA":
        return None if _is_ip(value, 6) else _fatal("AAAARRDATAIllegalIPv6Address",
                                                     "Value is not a valid IPv6 address", value)
    if rtype in ("TXT", "SPF") and not (len(value) > 1 and value[0] == value[-1] == '"'):
        return _fatal("InvalidCharacterString", "Value should be enclosed in quotation marks",
                      value)
    try:
        rdata = parse_rdata(rtype, value)
    except (dns.exception.DNSException, ValueError, UnicodeError):
        return _fatal("UnparseableRRDATA", f"Value is not a valid {rtype} record", value)
    if rtype in ("TXT", "SPF") and any(len(s) > TXT_STRING_LENGTH_MAX
                                       for s in getattr(rdata, "strings", ())):
        return _fatal("TXTRDATATooLong", "a string longer than 255 characters", value)
    return None


def parse_rdata(rtype: str, value: str) -> dns.rdata.Rdata:
    """The value as DNS rdata; names in it are absolute, as Route 53 treats them."""
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), value,
                               origin=dns.name.root, relativize=False)


def _is_ip(value: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(value).version == version
    except ValueError:
        return False


def _fatal(code: str, reason: str, value: str) -> str:
    return f"Invalid Resource Record: 'FATAL problem: {code} ({reason}) encountered with '{value}''"
