r"""HTTP/1.1 client library: a drop-in for Python 3.13's ``http.client``.

This module is the socket layer and public API.  Parsing and framing rules
live in the sans-I/O modules ``heads`` (status lines, header sections,
request heads) and ``framing`` (body length, chunked coding); limits are
named in ``limits``.  Deliberate differences from the stdlib (each where
the stdlib breaks an RFC MUST) are listed in reference/README.md.

Connection states, as in the stdlib:

Logical State                  __state            __response
-------------                  -------            ----------
Idle                           _CS_IDLE           None
Request-started                _CS_REQ_STARTED    None
Request-sent                   _CS_REQ_SENT       None
Unread-response                _CS_IDLE           <response_class>
Req-started-unread-response    _CS_REQ_STARTED    <response_class>
Req-sent-unread-response       _CS_REQ_SENT       <response_class>
"""
from __future__ import annotations

import collections.abc
import email.message
import errno
import http
import io
import socket
import sys
from typing import (Any, Callable, Dict, Iterable, Iterator, List,
                    Mapping, Optional, Tuple, Type, TypeVar, Union)

from . import framing, heads, limits
from .errors import BadStatusLine as BadStatusLine
from .errors import CannotSendHeader as CannotSendHeader
from .errors import CannotSendRequest as CannotSendRequest
from .errors import HTTPException as HTTPException
from .errors import ImproperConnectionState as ImproperConnectionState
from .errors import IncompleteRead as IncompleteRead
from .errors import InvalidChunk as InvalidChunk
from .errors import InvalidContentLength as InvalidContentLength
from .errors import InvalidHeader as InvalidHeader
from .errors import InvalidURL as InvalidURL
from .errors import LineTooLong as LineTooLong
from .errors import NotConnected as NotConnected
from .errors import RemoteDisconnected as RemoteDisconnected
from .errors import ResponseNotReady as ResponseNotReady
from .errors import TooManyInterimResponses as TooManyInterimResponses
from .errors import UnimplementedFileMode as UnimplementedFileMode
from .errors import UnknownProtocol as UnknownProtocol
from .errors import UnknownTransferEncoding as UnknownTransferEncoding
from .errors import error as error
from .heads import HTTPMessage as HTTPMessage

# HTTPMessage, parse_headers(), and the HTTP status code constants are
# intentionally omitted for simplicity (as in the stdlib's __all__)
__all__ = ["HTTPResponse", "HTTPConnection",
           "HTTPException", "NotConnected", "UnknownProtocol",
           "UnknownTransferEncoding", "UnimplementedFileMode",
           "IncompleteRead", "InvalidURL", "ImproperConnectionState",
           "CannotSendRequest", "CannotSendHeader", "ResponseNotReady",
           "BadStatusLine", "LineTooLong", "RemoteDisconnected", "error",
           "responses"]

HTTP_PORT = 80
HTTPS_PORT = 443

_UNKNOWN = "UNKNOWN"

# connection states
_CS_IDLE = "Idle"
_CS_REQ_STARTED = "Request-started"
_CS_REQ_SENT = "Request-sent"

# Status code constants (CONTINUE, OK, ...), as the stdlib exports them.
globals().update(http.HTTPStatus.__members__)

# Mapping status codes to official W3C names
responses: Dict[int, str] = {
    v: v.phrase for v in http.HTTPStatus.__members__.values()}

# Stdlib-compatible private names some code imports.
_MAXLINE = limits.MAX_LINE
_MAXHEADERS = limits.MAX_HEADERS
_is_legal_header_name = heads.is_legal_header_name
_is_illegal_header_value = heads.is_illegal_header_value
_contains_disallowed_url_pchar_re = heads.DISALLOWED_URL_PCHAR_RE
_contains_disallowed_method_pchar_re = heads.DISALLOWED_METHOD_PCHAR_RE
_encode = heads.encode_text
_strip_ipv6_iface = heads.strip_ipv6_zone

# We always set the Content-Length header for these methods because some
# servers will otherwise respond with a 411
_METHODS_EXPECTING_BODY = {"PATCH", "POST", "PUT"}

_M = TypeVar("_M", bound=email.message.Message)


# ------------------------------------------------------------ header section

def _read_headers(fp: Any) -> List[bytes]:
    """Read header-section lines, terminator included (stdlib limits)."""
    lines: List[bytes] = []
    while not heads.read_lines_check(lines, fp.readline(_MAXLINE + 1)):
        pass
    return lines


def _parse_header_lines(header_lines: Iterable[bytes],
                        _class: Type[_M] = HTTPMessage) -> _M:  # type: ignore[assignment]
    """Parse header-section lines into an HTTPMessage (strictly)."""
    return heads.build_message(header_lines, _class)


def parse_headers(fp: Any, _class: Type[_M] = HTTPMessage) -> _M:  # type: ignore[assignment]
    """Parse a header section from a binary file into an HTTPMessage."""
    return _parse_header_lines(_read_headers(fp), _class)


def _makefile(sock: Any) -> Any:
    # A buffer larger than the stdlib's saves system calls on chunked
    # bodies; fakes whose makefile() takes only a mode still work.
    try:
        return sock.makefile("rb", limits.READ_BUFFER_SIZE)
    except TypeError:
        return sock.makefile("rb")


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
            skipped_headers = _read_headers(self.fp)
            if self.debuglevel > 0:
                print("headers:", skipped_headers)
            del skipped_headers

        self.code = self.status = status
        self.reason = reason.strip()
        vsn = heads.version_number(version)
        if vsn is None:
            raise UnknownProtocol(version)
        self.version = vsn

        msg: HTTPMessage = parse_headers(self.fp)
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

    def _no_body(self) -> bool:
        """True (and closed) if there is nothing left to read."""
        if self.fp is None:
            return True
        if self._method == "HEAD":
            self._close_conn()
            return True
        return False

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
        """amt (<= self.length) bytes in bounded allocations."""
        if amt <= limits.MAX_READ_PIECE:
            s: bytes = self.fp.read(amt)
            if len(s) < amt:
                raise self._truncated(s)
        else:
            pieces = []
            got = 0
            while got < amt:
                want = min(amt - got, limits.MAX_READ_PIECE)
                piece = self.fp.read(want)
                pieces.append(piece)
                got += len(piece)
                if len(piece) < want:
                    raise self._truncated(b"".join(pieces))
            s = b"".join(pieces)
        self._consumed(amt)
        return s

    def read(self, amt: Optional[int] = None) -> bytes:
        """Read and return the response body, or up to the next amt bytes."""
        if self._no_body():
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
        if self._no_body():
            return 0
        mv = memoryview(b).cast("B")
        if self.chunked:
            return self._fill_chunked(mv, len(mv))
        if self.length is not None and len(mv) > self.length:
            mv = mv[:self.length]
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
        if self.fp is None or self._method == "HEAD":
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
        if self.fp is None or self._method == "HEAD":
            return b""
        if self.chunked:
            return self._peek_chunked(n)
        data: bytes = self.fp.peek(n)
        if self.length is not None:
            return data[:self.length]
        return data

    def readline(self, limit: Optional[int] = -1) -> bytes:
        fp = self.fp
        if fp is None or self._method == "HEAD":
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

    def _fill_chunked(self, mv: memoryview, room: int) -> int:
        """Fill mv[:room] with body data; fewer bytes only at body end.

        With 2 spare bytes after room, a chunk's data and its CRLF come in
        one read.  Errors carry the bytes this call received.
        """
        dec = self._decoder
        assert dec is not None
        fp = self.fp
        spare = len(mv) - room >= 2
        total = 0
        try:
            while total < room:
                if dec.state == framing.DATA:
                    left = dec.chunk_left
                else:
                    left = self._chunk_left_now()
                    if not left:
                        break
                space = room - total
                if spare and left <= space:
                    end = total + left
                    n = fp.readinto(mv[total:end + 2])
                    total += min(n, left)
                    dec.data(min(n, left))
                    if n < left:
                        raise IncompleteRead(b"")
                    dec.data_end(bytes(mv[end:end + 2][:n - left]))
                else:
                    k = left if left < space else space
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

        Each chunk's data and CRLF are read into a small reused buffer and
        appended to a BytesIO, whose getvalue() returns its storage without
        a copy: the result is the only new memory touched.
        """
        dec = self._decoder
        assert dec is not None
        fp = self.fp
        out = io.BytesIO()
        scratch = memoryview(bytearray(limits.READ_BUFFER_SIZE + 2))
        room = limits.READ_BUFFER_SIZE
        want = -1 if amt is None else amt
        got = 0
        try:
            while got != want:
                state = dec.state
                if state == framing.SIZE:  # the usual case, kept short
                    left = dec.size_line(fp.readline(_MAXLINE + 1))
                    if not left:
                        left = self._chunk_left_now()
                elif state == framing.DATA:
                    left = dec.chunk_left
                else:
                    left = self._chunk_left_now()
                if not left:
                    break
                if left <= room and (want < 0 or left <= want - got):
                    # The whole chunk and its CRLF in one read.
                    n = fp.readinto(scratch[:left + 2])
                    if n < left:
                        out.write(scratch[:n])
                        got += n
                        raise IncompleteRead(b"")
                    out.write(scratch[:left])
                    got += left
                    dec.whole_chunk(scratch[left:n].tobytes())
                else:
                    k = left if want < 0 else min(left, want - got)
                    k = min(k, room)
                    n = fp.readinto(scratch[:k])
                    out.write(scratch[:n])
                    got += n
                    dec.data(n)
                    if n < k:
                        raise IncompleteRead(b"")
        except IncompleteRead as exc:
            self._fail()
            raise _with_partial(exc, out.getvalue()) from None
        except HTTPException:
            self._fail()
            raise
        return out.getvalue()

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


def _create_https_context(http_version: int) -> Any:
    # Function also used by urllib.request to be able to set the check_hostname
    # attribute on a context object.
    import ssl
    context = ssl._create_default_https_context()
    # send ALPN extension to indicate HTTP/1.1 protocol
    if http_version == 11:
        context.set_alpn_protocols(["http/1.1"])
    # enable PHA for TLS 1.3 connections if available
    if context.post_handshake_auth is not None:
        context.post_handshake_auth = True
    return context


# ---------------------------------------------------------------- connection

class HTTPConnection:

    _http_vsn = 11
    _http_vsn_str = "HTTP/1.1"

    response_class: Any = HTTPResponse
    default_port = HTTP_PORT
    auto_open = 1
    debuglevel = 0
    # Tests and subclasses replace it (also set per instance, as stdlib).
    _create_connection: Callable[..., Any] = staticmethod(  # type: ignore[assignment,unused-ignore]
        socket.create_connection)

    @staticmethod
    def _is_textIO(stream: Any) -> bool:
        """Test whether a file-like object is a text or a binary stream."""
        return isinstance(stream, io.TextIOBase)

    @staticmethod
    def _get_content_length(body: Any, method: str) -> Optional[int]:
        """Get the content-length based on the body.

        If the body is None, we set Content-Length: 0 for methods that expect
        a body (RFC 9110 s8.6). We also set the Content-Length for
        any method if the body is a str or bytes-like object and not a file.
        """
        if body is None:
            # do an explicit check for not None here to distinguish
            # between unset and set but empty
            if method.upper() in _METHODS_EXPECTING_BODY:
                return 0
            return None
        if hasattr(body, "read"):
            # file-like object.
            return None
        try:
            # does it implement the buffer protocol (bytes, bytearray, array)?
            mv = memoryview(body)
            return mv.nbytes
        except TypeError:
            pass
        if isinstance(body, str):
            return len(body)
        return None

    def __init__(self, host: str, port: Optional[int] = None,
                 timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
                 source_address: Optional[Tuple[str, int]] = None,
                 blocksize: int = 8192) -> None:
        self.timeout = timeout
        self.source_address = source_address
        self.blocksize = blocksize
        self.sock: Any = None
        self._buffer: List[bytes] = []
        self.__response: Any = None
        self.__state = _CS_IDLE
        self._method: Optional[str] = None
        self._tunnel_host: Optional[str] = None
        self._tunnel_port: Optional[int] = None
        self._tunnel_headers: Dict[str, str] = {}
        self._raw_proxy_headers: Optional[List[bytes]] = None

        (self.host, self.port) = self._get_hostport(host, port)

        self._validate_host(self.host)

        # This is stored as an instance variable to allow unit
        # tests to replace it with a suitable mockup
        self._create_connection = socket.create_connection

    def set_tunnel(self, host: str, port: Optional[int] = None,
                   headers: Optional[Mapping[str, str]] = None) -> None:
        """Set up host and port for HTTP CONNECT tunnelling.

        The headers argument should be a mapping of extra HTTP headers to send
        with the CONNECT request.  A Host header matching the CONNECT target
        is added unless given (RFC 9110 s9.3.6, s7.2).
        """
        if self.sock:
            raise RuntimeError("Can't set up tunnel for established connection")

        self._tunnel_host, self._tunnel_port = self._get_hostport(host, port)
        if headers:
            self._tunnel_headers = dict(headers.copy())  # type: ignore[attr-defined]
        else:
            self._tunnel_headers.clear()

        if not any(header.lower() == "host" for header in self._tunnel_headers):
            encoded_host = self._tunnel_host.encode("idna").decode("ascii")
            self._tunnel_headers["Host"] = "%s:%d" % (
                encoded_host, self._tunnel_port)

    def _get_hostport(self, host: str, port: Optional[int]
                      ) -> Tuple[str, int]:
        return heads.split_hostport(host, port, self.default_port)

    def set_debuglevel(self, level: int) -> None:
        self.debuglevel = level

    def _wrap_ipv6(self, ip: bytes) -> bytes:
        return heads.wrap_ipv6(ip)

    def _tunnel(self) -> None:
        assert self._tunnel_host is not None and self._tunnel_port is not None
        connect = b"CONNECT %s:%d %s\r\n" % (
            self._wrap_ipv6(self._tunnel_host.encode("idna")),
            self._tunnel_port,
            self._http_vsn_str.encode("ascii"))
        headers = [connect]
        for name, value in self._tunnel_headers.items():
            headers.append(f"{name}: {value}\r\n".encode("latin-1"))
        headers.append(b"\r\n")
        # Making a single send() call instead of one per line encourages
        # the host OS to use a more optimal packet size instead of
        # potentially emitting a series of small packets.
        self.send(b"".join(headers))
        del headers

        response = self.response_class(self.sock, method=self._method)
        try:
            (version, code, message) = response._read_status()

            self._raw_proxy_headers = _read_headers(response.fp)

            if self.debuglevel > 0:
                for line in self._raw_proxy_headers:
                    print("header:", line.decode())

            try:
                # Validate now so get_proxy_response_headers cannot fail.
                _parse_header_lines(self._raw_proxy_headers)
            except InvalidHeader:
                self.close()
                raise

            if code != http.HTTPStatus.OK:
                self.close()
                raise OSError(
                    f"Tunnel connection failed: {code} {message.strip()}")
        finally:
            response.close()

    def get_proxy_response_headers(self) -> Optional[HTTPMessage]:
        """
        Returns a dictionary with the headers of the response
        received from the proxy server to the CONNECT request
        sent to set the tunnel.

        If the CONNECT request was not sent, the method returns None.
        """
        return (
            _parse_header_lines(self._raw_proxy_headers)
            if self._raw_proxy_headers is not None
            else None
        )

    def connect(self) -> None:
        """Connect to the host and port specified in __init__."""
        sys.audit("http.client.connect", self, self.host, self.port)
        self.sock = self._create_connection(
            (self.host, self.port), self.timeout, self.source_address)
        # Might fail in OSs that don't implement TCP_NODELAY
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as e:
            if e.errno != errno.ENOPROTOOPT:
                raise

        if self._tunnel_host:
            self._tunnel()

    def close(self) -> None:
        """Close the connection to the HTTP server."""
        self.__state = _CS_IDLE
        try:
            sock = self.sock
            if sock:
                self.sock = None
                sock.close()   # close it manually... there may be other refs
        finally:
            response = self.__response
            if response:
                self.__response = None
                response.close()

    def send(self, data: Any) -> None:
        """Send `data' to the server.
        ``data`` can be a string object, a bytes object, an array object, a
        file-like object that supports a .read() method, or an iterable object.
        """
        if self.sock is None:
            if self.auto_open:
                self.connect()
            else:
                raise NotConnected()

        if self.debuglevel > 0:
            print("send:", repr(data))
        if hasattr(data, "read"):
            if self.debuglevel > 0:
                print("sending a readable")
            encode = self._is_textIO(data)
            if encode and self.debuglevel > 0:
                print("encoding file using iso-8859-1")
            while True:
                datablock = data.read(self.blocksize)
                if not datablock:
                    break
                if encode:
                    datablock = datablock.encode("iso-8859-1")
                sys.audit("http.client.send", self, datablock)
                self.sock.sendall(datablock)
            return
        sys.audit("http.client.send", self, data)
        try:
            self.sock.sendall(data)
        except TypeError:
            if isinstance(data, collections.abc.Iterable):
                for d in data:
                    self.sock.sendall(d)
            else:
                raise TypeError("data should be a bytes-like object "
                                "or an iterable, got %r" % type(data))

    def _output(self, s: bytes) -> None:
        """Add a line of output to the current request buffer.

        Assumes that the line does *not* end with \\r\\n.
        """
        self._buffer.append(s)

    def _read_readable(self, readable: Any) -> Iterator[bytes]:
        if self.debuglevel > 0:
            print("reading a readable")
        encode = self._is_textIO(readable)
        if encode and self.debuglevel > 0:
            print("encoding file using iso-8859-1")
        while True:
            datablock = readable.read(self.blocksize)
            if not datablock:
                break
            if encode:
                datablock = datablock.encode("iso-8859-1")
            yield datablock

    def _send_output(self, message_body: Any = None,
                     encode_chunked: bool = False) -> None:
        """Send the currently buffered request and clear the buffer.

        Appends an extra \\r\\n to the buffer.
        A message_body may be specified, to be appended to the request.
        """
        self._buffer.extend((b"", b""))
        msg = b"\r\n".join(self._buffer)
        del self._buffer[:]
        self.send(msg)

        if message_body is not None:
            chunks: Iterable[Any]
            # create a consistent interface to message_body
            if hasattr(message_body, "read"):
                # Let file-like take precedence over byte-like.  This
                # is needed to allow the current position of mmap'ed
                # files to be taken into account.
                chunks = self._read_readable(message_body)
            else:
                try:
                    # this is solely to check to see if message_body
                    # implements the buffer API.
                    memoryview(message_body)
                except TypeError:
                    try:
                        chunks = iter(message_body)
                    except TypeError:
                        raise TypeError("message_body should be a bytes-like "
                                        "object or an iterable, got %r"
                                        % type(message_body))
                else:
                    # the object implements the buffer interface and
                    # can be passed directly into socket methods
                    chunks = (message_body,)

            for chunk in chunks:
                if not chunk:
                    if self.debuglevel > 0:
                        print("Zero length chunk ignored")
                    continue

                if encode_chunked and self._http_vsn == 11:
                    # chunked encoding (RFC 9112 s7.1), hex size in upper case
                    chunk = f"{len(chunk):X}\r\n".encode("ascii") + chunk \
                        + b"\r\n"
                self.send(chunk)

            if encode_chunked and self._http_vsn == 11:
                # end chunked transfer
                self.send(b"0\r\n\r\n")

    def _forget_closed_response(self) -> None:
        """If a prior response has been completed, then forget about it.

        If its framing was lost, so is the connection's: close the socket
        so the next request opens a new one (RFC 9112 s6.3 item 5, s8).
        """
        response = self.__response
        if response and response.isclosed():
            self.__response = None
            if getattr(response, "_broken", False) and self.sock:
                sock, self.sock = self.sock, None
                sock.close()

    def putrequest(self, method: str, url: str, skip_host: bool = False,
                   skip_accept_encoding: bool = False) -> None:
        """Send a request to the server.

        `method' specifies an HTTP request method, e.g. 'GET'.
        `url' specifies the object being requested, e.g. '/index.html'.
        `skip_host' if True does not add automatically a 'Host:' header
        `skip_accept_encoding' if True does not add automatically an
           'Accept-Encoding:' header
        """
        self._forget_closed_response()

        # A new request may not start while one is being sent or before the
        # prior response's headers are read (see the state table above).
        if self.__state == _CS_IDLE:
            self.__state = _CS_REQ_STARTED
        else:
            raise CannotSendRequest(self.__state)

        self._validate_method(method)

        # Save the method for use later in the response phase
        self._method = method

        url = url or "/"
        self._validate_path(url)

        request = "%s %s %s" % (method, url, self._http_vsn_str)

        self._output(self._encode_request(request))

        if self._http_vsn == 11:
            # Host is required in HTTP/1.1 requests (RFC 9112 s3.2).
            if not skip_host:
                if self._tunnel_host:
                    host, port = self._tunnel_host, self._tunnel_port
                else:
                    host, port = self.host, self.port
                self.putheader("Host", heads.host_header(
                    url, host, port, self.default_port))  # type: ignore[arg-type]

            # we only want a Content-Encoding of "identity" since we don't
            # support encodings such as x-gzip or x-deflate.
            if not skip_accept_encoding:
                self.putheader("Accept-Encoding", "identity")

    def _encode_request(self, request: str) -> bytes:
        # ASCII also helps prevent CVE-2019-9740.
        return request.encode("ascii")

    def _validate_method(self, method: str) -> None:
        """Validate a method name for putrequest."""
        heads.validate_method(method)

    def _validate_path(self, url: str) -> None:
        """Validate a url for putrequest."""
        # Prevent CVE-2019-9740.
        heads.validate_url(url)

    def _validate_host(self, host: str) -> None:
        """Validate a host so it doesn't contain control characters."""
        # Prevent CVE-2019-18348.
        heads.validate_url(host)

    def putheader(self, header: Union[str, bytes], *values: Any) -> None:
        """Send a request header line to the server.

        For example: h.putheader('Accept', 'text/html')
        """
        if self.__state != _CS_REQ_STARTED:
            raise CannotSendHeader()
        self._output(heads.header_line(header, values))

    def endheaders(self, message_body: Any = None, *,
                   encode_chunked: bool = False) -> None:
        """Indicate that the last header line has been sent to the server.

        This method sends the request to the server.  The optional message_body
        argument can be used to pass a message body associated with the
        request.
        """
        if self.__state == _CS_REQ_STARTED:
            self.__state = _CS_REQ_SENT
        else:
            raise CannotSendHeader()
        self._send_output(message_body, encode_chunked=encode_chunked)

    def request(self, method: str, url: str, body: Any = None,
                headers: Mapping[str, Any] = {}, *,
                encode_chunked: bool = False) -> None:
        """Send a complete request to the server."""
        self._send_request(method, url, body, headers, encode_chunked)

    def _send_request(self, method: str, url: str, body: Any,
                      headers: Mapping[str, Any],
                      encode_chunked: bool) -> None:
        # Honor explicitly requested Host: and Accept-Encoding: headers.
        header_names = frozenset(k.lower() for k in headers)
        skips = {}
        if "host" in header_names:
            skips["skip_host"] = True
        if "accept-encoding" in header_names:
            skips["skip_accept_encoding"] = True

        self.putrequest(method, url, **skips)

        # chunked encoding will happen if HTTP/1.1 is used and either
        # the caller passes encode_chunked=True or the following
        # conditions hold:
        # 1. content-length has not been explicitly set
        # 2. the body is a file or iterable, but not a str or bytes-like
        # 3. Transfer-Encoding has NOT been explicitly set by the caller
        if "content-length" not in header_names:
            # only chunk body if not explicitly set for backwards
            # compatibility, assuming the client code is already handling the
            # chunking
            if "transfer-encoding" not in header_names:
                # if content-length cannot be automatically determined, fall
                # back to chunked encoding
                encode_chunked = False
                content_length = self._get_content_length(body, method)
                if content_length is None:
                    if body is not None:
                        if self.debuglevel > 0:
                            print("Unable to determine size of %r" % body)
                        encode_chunked = True
                        self.putheader("Transfer-Encoding", "chunked")
                else:
                    self.putheader("Content-Length", str(content_length))
        else:
            encode_chunked = False

        for hdr, value in headers.items():
            self.putheader(hdr, value)
        if isinstance(body, str):
            # RFC 2616 Section 3.7.1 says that text default has a
            # default charset of iso-8859-1.
            body = _encode(body, "body")
        self.endheaders(body, encode_chunked=encode_chunked)

    def getresponse(self) -> Any:
        """Get the response from the server.

        If the HTTPConnection is in the correct state, returns an
        instance of HTTPResponse or of whatever object is returned by
        the response_class variable.

        If a request has not been sent or if a previous response has
        not be handled, ResponseNotReady is raised.  If the HTTP
        response indicates that the connection should be closed, then
        it will be closed before the response is returned.  When the
        connection is closed, the underlying socket is closed.
        """
        self._forget_closed_response()

        # A prior response must be complete before this one's header is
        # read (otherwise its connection-close behavior is unknown).
        if self.__state != _CS_REQ_SENT or self.__response:
            raise ResponseNotReady(self.__state)

        if self.debuglevel > 0:
            response = self.response_class(self.sock, self.debuglevel,
                                           method=self._method)
        else:
            response = self.response_class(self.sock, method=self._method)

        try:
            try:
                response.begin()
            except (ConnectionError, InvalidHeader, InvalidContentLength,
                    TooManyInterimResponses):
                # The exchange cannot be framed: the client MUST close the
                # connection (RFC 9112 s6.3 item 5).
                self.close()
                raise
            assert response.will_close != _UNKNOWN
            self.__state = _CS_IDLE

            if response.will_close:
                # this effectively passes the connection to the response
                self.close()
            else:
                # remember this, so we can tell when it is complete
                self.__response = response

            return response
        except:  # noqa: E722 (as the stdlib: close on any error)
            response.close()
            raise


try:
    import ssl
except ImportError:  # pragma: no cover
    pass
else:
    class HTTPSConnection(HTTPConnection):
        "This class allows communication via SSL."

        default_port = HTTPS_PORT

        def __init__(self, host: str, port: Optional[int] = None,
                     *, timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
                     source_address: Optional[Tuple[str, int]] = None,
                     context: Optional[ssl.SSLContext] = None,
                     blocksize: int = 8192) -> None:
            super(HTTPSConnection, self).__init__(host, port, timeout,
                                                  source_address,
                                                  blocksize=blocksize)
            if context is None:
                context = _create_https_context(self._http_vsn)
            self._context = context

        def connect(self) -> None:
            "Connect to a host on a given (SSL) port."
            super().connect()

            if self._tunnel_host:
                server_hostname = self._tunnel_host
            else:
                server_hostname = self.host

            self.sock = self._context.wrap_socket(
                self.sock, server_hostname=server_hostname)

    __all__.append("HTTPSConnection")
