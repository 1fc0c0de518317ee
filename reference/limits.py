"""Every size and count limit the client enforces, named in one place."""
from __future__ import annotations

# Longest line accepted in a status line, header section, chunk-size line
# or trailer section (the stdlib's ``_MAXLINE``); LineTooLong past it.
MAX_LINE = 65536

# Most lines in a header section, counting the terminating empty line
# (the stdlib's ``_MAXHEADERS`` and its way of counting).
MAX_HEADERS = 100

# Most interim (1xx other than 101) responses skipped before the final one.
MAX_INTERIM_RESPONSES = 32

# Most field lines in a chunked trailer section.
MAX_TRAILER_FIELDS = 100

# Largest chunk-size accepted (a 64-bit signed length, as most servers use).
MAX_CHUNK_SIZE = 2 ** 63 - 1

# Buffer size of the response's buffered socket reader (the stdlib uses
# io.DEFAULT_BUFFER_SIZE; a larger one saves system calls on chunked bodies).
READ_BUFFER_SIZE = 65536

# Largest single allocation made ahead of received data by read() on a body
# of declared (possibly huge or false) length; bigger bodies come in pieces.
MAX_READ_PIECE = 2 ** 26

# First piece size when collecting a chunked body of unknown total length.
FIRST_CHUNKED_PIECE = 2 ** 16
