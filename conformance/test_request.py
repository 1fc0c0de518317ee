"""Request-side data cases: fixtures/request/*.toml (request line, Host and
automatic headers, body framing), checked on the bytes the server receives."""
SUITE = "request"


def test_case(conformance, conformance_case, request):
    from conformance.plugin import run_data_case

    run_data_case(conformance, request.node, conformance_case)
