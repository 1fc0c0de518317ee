"""Response-side data cases: fixtures/response/*.toml (status line, header
section, body framing, chunked coding), each also under byte-wise and split
delivery."""
SUITE = "response"


def test_case(conformance, conformance_case, request):
    from conformance.plugin import run_data_case

    run_data_case(conformance, request.node, conformance_case)
