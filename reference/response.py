"""HTTPResponse: the status, the header section and the body stream.

Reading the head (status line, interim responses, header fields) uses the
sans-I/O rules in ``heads``; body framing and the chunked decoder live in
``framing``.  This module only moves bytes between the socket's buffered
reader and the caller.  Deliberate differences from the stdlib are listed
in reference/README.md.
"""
from __future__ import annotations

import io
from typing import Any, Iterator, List, Optional, Tuple

from . import framing, heads, limits
from .errors import (HTTPException, IncompleteRead, InvalidChunk,
                     LineTooLong, RemoteDisconnected, ResponseNotReady,
                     TooManyInterimResponses, UnknownProtocol, BadStatusLine)
from .heads import HTTPMessage
from .message import parse_header_lines, read_headers

_UNKNOWN = "UNKNOWN"
_MAXLINE = limits.MAX_LINE

def _makefile(sock: Any) -> Any:
    # A buffer larger than the stdlib's saves system calls on chunked
    # bodies; fakes whose makefile() takes only a mode still work.
    try:
        return sock.makefile("rb", limits.READ_BUFFER_SIZE)
    except TypeError:
        return sock.makefile("rb")


def _result(out: io.BytesIO, view: memoryview, length: int) -> bytes:
    """The first length bytes of out's storage, without a copy."""
    view.release()
    out.truncate(length)
    return out.getvalue()


def _with_partial(exc: IncompleteRead, partial: bytes) -> IncompleteRead:
    """The same error, carrying the body bytes the failing call received."""
    if isinstance(exc, InvalidChunk):
        return InvalidChunk(partial, exc.reason)
    return IncompleteRead(partial, exc.expected)


# ------------------------------------------------------------------ response

class HTTPResponse(io.BufferedIOBase):
    """A response: status, headers and a readable body stream."""

    def __init__(self, sock: Any, debuglevel: int = 0,
                 method: Optional[str] = None, url: Optional[str] = None
                 ) -> None:
        self.fp: Any = _makefile(sock)
        self.debuglevel = debuglevel
        self._method = method
        # headers supports urllib; msg is the older http.client name.
        self.headers: Any = None
        self.msg: Any = None
        self.version: Any = _UNKNOWN  # HTTP-Version: 10 or 11
        self.status: Any = _UNKNOWN   # Status-Code
        self.reason: Any = _UNKNOWN   # Reason-Phrase
        self.chunked: Any = _UNKNOWN     # is "chunked" being used?
        self.length: Any = _UNKNOWN      # number of bytes left in response
        self.will_close: Any = _UNKNOWN  # conn will close at end of response
        self._decoder: Optional[framing.ChunkedDecoder] = None
        # Set when framing is lost: the connection must not be reused
        # (RFC 9112 s6.3 item 5, s8).
        self._broken = False

    @property
    def chunk_left(self) -> Any:
        """Bytes left in the current chunk; None between chunks."""
        dec = self._decoder
        if dec is None:
            return _UNKNOWN if self.chunked == _UNKNOWN else None
        return dec.chunk_left if dec.state == framing.DATA else None

    @chunk_left.setter
    def chunk_left(self, value: Any) -> None:
        pass  # kept for subclasses that assign it, as stdlib code does

    # -- head

    def _read_status(self) -> Tuple[str, int, str]:
        line = str(self.fp.readline(_MAXLINE + 1), "iso-8859-1")
        if len(line) > _MAXLINE:
            raise LineTooLong("status line")
        if self.debuglevel > 0:
            print("reply:", repr(line))
        if not line:
            # Presumably, the server closed the connection before
            # sending a valid response.
            raise RemoteDisconnected("Remote end closed connection without"
                                     " response")
        try:
            return heads.parse_status_line(line)
        except BadStatusLine:
            self._close_conn()
            raise

    def _read_head_lines(self) -> List[bytes]:
        """The header section's lines; the file must not end inside it.

        RFC 9112 s8: a response cut off before the empty line that ends its
        header section is incomplete, and a client MUST record it so.  (The
        stdlib treats end of file as the end of the section.)
        """
        lines = read_headers(self.fp)
        if lines[-1] == b"":
            raise RemoteDisconnected("Remote end closed connection in the"
                                     " response header section")
        return lines

    def begin(self) -> None:
        if self.headers is not None:
            # we've already started reading the response
            return
        # RFC 9110 s15.2: read and discard interim 1xx responses (101 ends
        # the exchange and is final).
        interim = 0
        while True:
            version, status, reason = self._read_status()
            if not 100 <= status < 200 or status == 101:
                break
            interim += 1
            if interim > limits.MAX_INTERIM_RESPONSES:
                raise TooManyInterimResponses(limits.MAX_INTERIM_RESPONSES)
            skipped_headers = self._read_head_lines()
            if self.debuglevel > 0:
                print("headers:", skipped_headers)
            del skipped_headers

        self.code = self.status = status
        self.reason = reason.strip()
        vsn = heads.version_number(version)
        if vsn is None:
            raise UnknownProtocol(version)
        self.version = vsn

        msg: HTTPMessage = parse_header_lines(self._read_head_lines())
        self.headers = self.msg = msg
        if self.debuglevel > 0:
            for hdr, val in msg.items():
                print("header:", hdr + ":", val)

        frame = framing.response_framing(vsn, status, self._method,
                                         self.headers)
        self.chunked = frame.chunked
        self.length = frame.length
        self.will_close = frame.will_close
        if frame.chunked:
            self._decoder = framing.ChunkedDecoder()

    def _check_close(self) -> bool:
        return framing.check_close(self.version, self.headers)

    # -- closing

    def _close_conn(self) -> None:
        fp = self.fp
        self.fp = None
        fp.close()

    def _fail(self) -> None:
        """Framing is lost: close, and mark the connection unusable."""
        self._broken = True
        if self.fp:
            self._close_conn()

    def close(self) -> None:
        try:
            super().close()  # set "closed" flag
        finally:
            if self.fp:
                self._close_conn()

    # These implementations are for the benefit of io.BufferedReader.

    def flush(self) -> None:
        super().flush()
        if self.fp:
            self.fp.flush()

    def readable(self) -> bool:
        """Always returns True"""
        return True

    def isclosed(self) -> bool:
        """True if the connection is closed."""
        return self.fp is None

    # -- body: fixed length or until close
    #
    # A HEAD response needs no case of its own: its framing says length 0
    # (RFC 9112 s6.3 item 1), so every read method returns b"" and closes
    # it, which frees the connection for the next response (the stdlib
    # closes it only in read() and readinto()).

    def _consumed(self, n: int) -> None:
        """Account n bytes of a Content-Length body; close at its end."""
        self.length -= n
        if not self.length:
            self._close_conn()

    def _truncated(self, partial: bytes) -> IncompleteRead:
        """The Content-Length body ended early (RFC 9112 s8)."""
        expected = self.length - len(partial)
        self._fail()
        return IncompleteRead(partial, expected)

    def _read_exact(self, amt: int) -> bytes:
        """amt (<= self.length) bytes of a Content-Length body."""
        if amt <= limits.MAX_READ_AHEAD:
            s: bytes = self.fp.read(amt)
            if len(s) < amt:
                raise self._truncated(s)
        else:
            s = self._read_growing(amt)
        self._consumed(amt)
        return s

    def _read_growing(self, amt: int) -> bytes:
        """amt (> MAX_READ_AHEAD) bytes, allocated as the data arrives.

        The declared length may be false or huge, so the result's storage
        starts at FIRST_GROWING_PIECE and doubles while data keeps coming.
        The storage is a BytesIO's: the socket reader fills it in place
        through getbuffer(), and getvalue() returns it without a copy.
        """
        out = io.BytesIO()
        got = size = 0
        while got == size < amt:
            size = min(amt, max(limits.FIRST_GROWING_PIECE, 2 * size))
            out.seek(size - 1)
            out.write(b"\0")  # grow the storage to size bytes
            with out.getbuffer() as view:
                got += self.fp.readinto(view[got:size])
        out.truncate(got)
        if got < amt:
            raise self._truncated(out.getvalue())
        return out.getvalue()

    def read(self, amt: Optional[int] = None) -> bytes:
        """Read and return the response body, or up to the next amt bytes."""
        if self.fp is None:
            return b""
        if amt is not None and amt < 0:
            amt = None
        if self.chunked:
            return self._read_chunked(amt)
        if self.length is not None:
            length: int = self.length
            # clip the read to the "end of response"
            return self._read_exact(
                length if amt is None or amt > length else amt)
        # Read until close.
        if amt is None:
            s: bytes = self.fp.read()
            self._close_conn()
            return s
        s = self.fp.read(amt)
        if not s and amt:
            self._close_conn()
        return s

    def readinto(self, b: Any) -> int:
        """Read up to len(b) bytes into bytearray b and return the number
        of bytes read.
        """
        if self.fp is None:
            return 0
        mv = memoryview(b).cast("B")
        if self.chunked:
            return self._fill_chunked(mv)
        if self.length is not None and len(mv) > self.length:
            mv = mv[:self.length]
        # The reader copies what it holds, then reads the socket straight
        # into mv while more than its buffer size is left.
        n: int = self.fp.readinto(mv)
        if self.length is None:
            if not n and len(mv):
                self._close_conn()
        elif n < len(mv):
            raise self._truncated(bytes(mv[:n]))
        else:
            self._consumed(n)
        return n

    def read1(self, n: int = -1) -> bytes:
        """Read with at most one underlying system call.  If at least one
        byte is buffered, return that instead.
        """
        if self.fp is None:
            return b""
        if self.chunked:
            return self._read1_chunked(n)
        if self.length is not None and (n < 0 or n > self.length):
            n = self.length
        result: bytes = self.fp.read1(n)
        if self.length is None:
            if not result and n:
                self._close_conn()
        elif not result and n:
            raise self._truncated(b"")
        else:
            self._consumed(len(result))
        return result

    def peek(self, n: int = -1) -> bytes:
        # Having this enables IOBase.readline() to read more than one
        # byte at a time.  Never returns bytes past the body's end.
        if self.fp is None:
            return b""
        if self.chunked:
            return self._peek_chunked(n)
        data: bytes = self.fp.peek(n)
        if self.length is not None:
            return data[:self.length]
        return data

    def readline(self, limit: Optional[int] = -1) -> bytes:
        fp = self.fp
        if fp is None:
            return b""
        n = -1 if limit is None else limit
        if self.chunked:
            return self._readline_chunked(n)
        length = self.length
        if length is None:
            result: bytes = fp.readline(n)
            if not result and n:
                self._close_conn()
            return result
        if n < 0 or n > length:
            n = length
        result = fp.readline(n)
        got = len(result)
        if got < n and result[-1:] != b"\n":
            raise self._truncated(result)
        # inlined _consumed(): iteration is hot
        length -= got
        self.length = length
        if not length:
            self._close_conn()
        return result

    # -- body: chunked (RFC 9112 s7.1)

    def _chunk_left_now(self) -> int:
        """Read framing up to the next chunk data: its size, 0 at the end."""
        dec = self._decoder
        assert dec is not None
        fp = self.fp
        while True:
            state = dec.state
            if state == framing.DATA:
                return dec.chunk_left
            if state == framing.SIZE:
                dec.size_line(fp.readline(_MAXLINE + 1))
            elif state == framing.DATA_END:
                dec.data_end(fp.read(2))
            elif state == framing.TRAILER:
                dec.trailer_line(fp.readline(_MAXLINE + 1))
            else:
                # we read everything; close the "file"
                self._close_conn()
                return 0

    def _fill_chunked(self, mv: memoryview) -> int:
        """Fill mv with body data; fewer bytes only at the body's end.

        Chunk data goes straight into mv.  Errors carry the bytes this call
        received (mv past them may hold a chunk's CRLF or stray bytes).
        """
        dec = self._decoder
        assert dec is not None
        fp = self.fp
        room = len(mv)
        total = 0
        try:
            while total < room:
                if dec.state == framing.DATA:
                    left = dec.chunk_left
                else:
                    left = self._chunk_left_now()
                    if not left:
                        break
                if left + 2 <= room - total:
                    # The whole chunk and its CRLF in one read; the next
                    # data overwrites the CRLF once it is checked.
                    end = total + left
                    n = fp.readinto(mv[total:end + 2])
                    if n < left:
                        total += n
                        raise IncompleteRead(b"")
                    total = end
                    dec.whole_chunk(mv[end:end + n - left].tobytes())
                else:
                    k = min(left, room - total)
                    n = fp.readinto(mv[total:total + k])
                    total += n
                    dec.data(n)
                    if n < k:
                        raise IncompleteRead(b"")
        except IncompleteRead as exc:
            self._fail()
            raise _with_partial(exc, bytes(mv[:total])) from None
        except HTTPException:
            self._fail()
            raise
        return total

    def _read_chunked(self, amt: Optional[int]) -> bytes:
        """Up to amt bytes (all if None).

        Chunk data is read straight into the result's storage: a BytesIO
        filled in place through getbuffer(), whose getvalue() returns it
        without a copy.  The storage doubles up to steps of MAX_GROWTH_STEP
        and never exceeds twice the data received plus FIRST_CHUNKED_PIECE
        (growing touches the new memory, so it grows only for data, never
        for a CRLF).  A whole chunk and the CRLF after it come in one read
        when they fit; the next chunk's data overwrites the CRLF once it is
        checked.
        """
        dec = self._decoder
        assert dec is not None
        fp = self.fp
        readline = fp.readline
        readinto = fp.readinto
        out = io.BytesIO()
        view = memoryview(b"")
        size = 0  # of out's storage
        want = -1 if amt is None else amt
        got = 0
        plain = framing.plain_size_line
        SIZE, limit = framing.SIZE, _MAXLINE + 1  # locals: the loop is hot
        try:
            while got != want:
                state = dec.state
                if state == SIZE:
                    line = readline(limit)
                    if plain(line):
                        # The usual case, kept short: a whole chunk that
                        # fits, then CRLF; the decoder stays in SIZE.
                        left = int(line, 16)  # int() skips the CRLF
                        end = got + left + 2
                        if left and end <= size and (
                                want < 0 or left <= want - got):
                            n = readinto(view[got:end])
                            if n == left + 2 and view[end - 2] == 13 \
                                    and view[end - 1] == 10:
                                got += left
                                continue
                            # Cut short or no CRLF: the decoder decides.
                            dec.size_line(line)
                            k = min(n, left)
                            got += k
                            dec.data(k)
                            if n < left:
                                raise IncompleteRead(b"")
                            dec.data_end(view[got:got + n - left].tobytes())
                            raise AssertionError("data_end raised")  # pragma: no cover
                    left = dec.size_line(line)
                    if not left:
                        left = self._chunk_left_now()
                elif state == framing.DATA:
                    left = dec.chunk_left
                else:
                    left = self._chunk_left_now()
                if not left:
                    break
                k = left if want < 0 or left <= want - got else want - got
                if got + k > size:  # (the CRLF alone never makes it grow)
                    view.release()
                    first = limits.FIRST_CHUNKED_PIECE
                    size = max(size + min(size, limits.MAX_GROWTH_STEP),
                               first, min(got + k, 2 * got + first))
                    out.seek(size - 1)
                    out.write(b"\0")
                    view = out.getbuffer()
                    k = min(k, size - got)
                end = min(got + k + 2, size)  # room for the CRLF too?
                if k == left and end - got == k + 2:
                    # The whole chunk and its CRLF in one read.
                    n = readinto(view[got:end])
                    if n < k:
                        got += n
                        raise IncompleteRead(b"")
                    got += k
                    dec.whole_chunk(view[got:got + n - k].tobytes())
                else:
                    n = readinto(view[got:got + k])
                    got += n
                    dec.data(n)
                    if n < k:
                        raise IncompleteRead(b"")
        except IncompleteRead as exc:
            self._fail()
            raise _with_partial(exc, _result(out, view, got)) from None
        except HTTPException:
            self._fail()
            raise
        finally:
            view.release()  # before out can go, whatever was raised
        return _result(out, view, got)

    def _read1_chunked(self, n: int) -> bytes:
        try:
            chunk_left = self._chunk_left_now()
            if not chunk_left or n == 0:
                return b""
            if not 0 <= n <= chunk_left:
                n = chunk_left  # if n is negative or larger than chunk_left
            read: bytes = self.fp.read1(n)
            if not read:
                raise IncompleteRead(b"")
        except HTTPException:
            self._fail()
            raise
        assert self._decoder is not None
        self._decoder.data(len(read))
        return read

    def _peek_chunked(self, n: int) -> bytes:
        try:
            chunk_left = self._chunk_left_now()
        except HTTPException:
            return b""  # peek doesn't worry about protocol; read() will
        if not chunk_left:
            return b""  # eof
        # peek may return more than requested: offer the rest of the chunk.
        data: bytes = self.fp.peek(chunk_left)
        return data[:chunk_left]

    def _readline_chunked(self, limit: int) -> bytes:
        dec = self._decoder
        assert dec is not None
        parts: List[bytes] = []
        got = 0
        try:
            while limit < 0 or got < limit:
                left = self._chunk_left_now()
                if not left:
                    break
                k = left if limit < 0 else min(left, limit - got)
                part: bytes = self.fp.readline(k)
                parts.append(part)
                got += len(part)
                dec.data(len(part))
                if part.endswith(b"\n"):
                    break
                if len(part) < k:
                    raise IncompleteRead(b"")
        except IncompleteRead as exc:
            self._fail()
            raise _with_partial(exc, b"".join(parts)) from None
        except HTTPException:
            self._fail()
            raise
        return b"".join(parts)

    # -- the rest of the API

    def fileno(self) -> int:
        return int(self.fp.fileno())

    def getheader(self, name: str, default: Any = None) -> Any:
        """Returns the value of the header matching *name*.

        If there are multiple matching headers, the values are
        combined into a single string separated by commas and spaces.

        If no matching header is found, returns *default* or None if
        the *default* is not specified.

        If the headers are unknown, raises http.client.ResponseNotReady.
        """
        if self.headers is None:
            raise ResponseNotReady()
        headers = self.headers.get_all(name) or default
        if isinstance(headers, str) or not hasattr(headers, "__iter__"):
            return headers
        return ", ".join(headers)

    def getheaders(self) -> List[Tuple[str, str]]:
        """Return list of (header, value) tuples."""
        if self.headers is None:
            raise ResponseNotReady()
        return list(self.headers.items())

    # We override IOBase.__iter__ so that it doesn't check for closed-ness

    def __iter__(self) -> Iterator[bytes]:
        return self

    # For compatibility with old-style urllib responses.

    def info(self) -> Any:
        """Returns the headers (an HTTPMessage)."""
        return self.headers

    def geturl(self) -> Any:
        """Return the URL urllib set on the response (self.url)."""
        return self.url  # type: ignore[attr-defined]

    def getcode(self) -> Any:
        """Return the HTTP status code that was sent with the response."""
        return self.status
