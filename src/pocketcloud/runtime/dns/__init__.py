"""A DNS server on this machine: UDP and TCP on one port, in a thread of its own."""
