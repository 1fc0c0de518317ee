"""Connection data cases: fixtures/connection/*.toml (persistence, network
faults, CONNECT tunnels, IPv6), checked on connection counts, the bytes the
server receives and the exceptions raised."""
SUITE = "connection"


def test_case(conformance, conformance_case, request):
    from conformance.plugin import run_data_case

    run_data_case(conformance, request.node, conformance_case)
