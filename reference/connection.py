"""HTTPConnection and HTTPSConnection: requests, tunnels, persistence.

Request heads are built and validated by the sans-I/O module ``heads``;
responses are read by ``response.HTTPResponse``.

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
import errno
import io
import socket
import sys
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Mapping,
                    Optional, Tuple, Union)

from . import heads
from .errors import (CannotSendHeader, CannotSendRequest,
                     InvalidContentLength, InvalidHeader, NotConnected,
                     ResponseNotReady, TooManyInterimResponses)
from .heads import HTTPMessage
from .message import parse_header_lines, read_headers
from .response import _UNKNOWN, HTTPResponse

HTTP_PORT = 80
HTTPS_PORT = 443

# connection states
_CS_IDLE = "Idle"
_CS_REQ_STARTED = "Request-started"
_CS_REQ_SENT = "Request-sent"

# We always set the Content-Length header for these methods because some
# servers will otherwise respond with a 411
_METHODS_EXPECTING_BODY = {"PATCH", "POST", "PUT"}

_encode = heads.encode_text

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
        self._sent_close = False  # this request has "Connection: close"
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
            # RFC 9110 s7.2 / RFC 3986 s3.2.2: an IPv6 literal is bracketed
            # in Host, as in the CONNECT target (the stdlib omits them).
            encoded_host = self._wrap_ipv6(
                self._tunnel_host.encode("idna")).decode("ascii")
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

            self._raw_proxy_headers = read_headers(response.fp)

            if self.debuglevel > 0:
                for line in self._raw_proxy_headers:
                    print("header:", line.decode())

            try:
                # Validate now so get_proxy_response_headers cannot fail.
                parse_header_lines(self._raw_proxy_headers)
            except InvalidHeader:
                self.close()
                raise

            # RFC 9110 s9.3.6: any 2xx response to CONNECT establishes the
            # tunnel (the stdlib accepts only 200).
            if not 200 <= code < 300:
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
            parse_header_lines(self._raw_proxy_headers)
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
                    # chunked encoding (RFC 9112 s7.1), hex size in upper
                    # case; chunk-size counts octets, so an array.array
                    # chunk is measured in bytes (the stdlib uses len()).
                    size = memoryview(chunk).nbytes
                    chunk = f"{size:X}\r\n".encode("ascii") + chunk \
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
        self._sent_close = False

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
        line = heads.header_line(header, values)
        if heads.is_connection_close(line):
            self._sent_close = True
        self._output(line)

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

            if self._sent_close:
                # RFC 9112 s9.6: a client that sends "close" MUST NOT send
                # further requests on that connection (the stdlib reuses it
                # unless the response also says close).
                response.will_close = True
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
except ImportError:  # pragma: no cover (Python built without ssl)
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

