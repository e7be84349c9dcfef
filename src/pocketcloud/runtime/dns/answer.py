"""What a name server answers for one question, before it is put on the wire."""

from __future__ import annotations

from dataclasses import dataclass, field

import dns.rcode
import dns.rrset
from dns.rcode import Rcode


@dataclass
class Answer:
    rcode: Rcode = dns.rcode.NOERROR
    authoritative: bool = True
    answer: list[dns.rrset.RRset] = field(default_factory=list)
    authority: list[dns.rrset.RRset] = field(default_factory=list)
