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

# Largest Content-Length accepted (as MAX_CHUNK_SIZE); a larger value
# raises InvalidContentLength (RFC 9110 s8.6: anticipate large numerals).
MAX_CONTENT_LENGTH = 2 ** 63 - 1

# Buffer size of the response's buffered socket reader (the stdlib uses
# io.DEFAULT_BUFFER_SIZE; a larger one saves system calls on chunked bodies,
# but on loopback 64 KiB slowed read() of a large Content-Length body).
READ_BUFFER_SIZE = 32768

# Most read() allocates ahead of the data on a Content-Length body.  A
# declared length up to this is allocated at once (as the stdlib does);
# above it the length may be false or huge, so the result's storage starts
# at FIRST_GROWING_PIECE and doubles as the data arrives.
MAX_READ_AHEAD = 2 ** 26
FIRST_GROWING_PIECE = 2 ** 24

# First storage size of read()'s result on a chunked body, whose total
# length is unknown; it doubles as data arrives.
FIRST_CHUNKED_PIECE = 2 ** 16

# Largest step by which that storage grows (below it, it doubles).
MAX_GROWTH_STEP = 2 ** 23
