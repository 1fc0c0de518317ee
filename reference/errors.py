"""Exceptions of the http.client API, plus the reference's strict ones."""
from __future__ import annotations

from typing import Optional

from . import limits


class HTTPException(Exception):
    # Subclasses that define an __init__ must call Exception.__init__
    # or define self.args.  Otherwise, str() will fail.
    pass


class NotConnected(HTTPException):
    pass


class InvalidURL(HTTPException):
    pass


class UnknownProtocol(HTTPException):
    def __init__(self, version: str) -> None:
        self.args = (version,)
        self.version = version


class UnknownTransferEncoding(HTTPException):
    pass


class UnimplementedFileMode(HTTPException):
    pass


class IncompleteRead(HTTPException):
    def __init__(self, partial: bytes, expected: Optional[int] = None) -> None:
        self.args = (partial,)
        self.partial = partial
        self.expected = expected

    def __repr__(self) -> str:
        if self.expected is not None:
            e = ", %i more expected" % self.expected
        else:
            e = ""
        return "%s(%i bytes read%s)" % (self.__class__.__name__,
                                        len(self.partial), e)

    __str__ = object.__str__


class ImproperConnectionState(HTTPException):
    pass


class CannotSendRequest(ImproperConnectionState):
    pass


class CannotSendHeader(ImproperConnectionState):
    pass


class ResponseNotReady(ImproperConnectionState):
    pass


class BadStatusLine(HTTPException):
    def __init__(self, line: str) -> None:
        if not line:
            line = repr(line)
        self.args = (line,)
        self.line = line


class LineTooLong(HTTPException):
    def __init__(self, line_type: str) -> None:
        HTTPException.__init__(self, "got more than %d bytes when reading %s"
                               % (limits.MAX_LINE, line_type))


class RemoteDisconnected(ConnectionResetError, BadStatusLine):
    def __init__(self, *pos: object, **kw: object) -> None:
        BadStatusLine.__init__(self, "")
        ConnectionResetError.__init__(self, *pos, **kw)


# for backwards compatibility
error = HTTPException


# --- Reference-only exceptions (strict where the stdlib breaks a MUST) ---

class InvalidHeader(HTTPException):
    """A header section line is not a valid field line (RFC 9112 s5)."""

    def __init__(self, line: bytes, reason: str) -> None:
        HTTPException.__init__(self, "%s: %r" % (reason, line))
        self.line = line
        self.reason = reason


class InvalidContentLength(HTTPException):
    """Unusable Content-Length in a response (RFC 9112 s6.3 item 5)."""

    def __init__(self, value: str) -> None:
        HTTPException.__init__(self, "invalid Content-Length: %r" % (value,))
        self.value = value


class TooManyInterimResponses(HTTPException):
    """More 1xx responses than limits.MAX_INTERIM_RESPONSES."""

    def __init__(self, count: int) -> None:
        HTTPException.__init__(
            self, "got more than %d interim responses" % (count,))
        self.count = count


class InvalidChunk(IncompleteRead):
    """Malformed chunked transfer coding (RFC 9112 s7.1).

    A subclass of IncompleteRead, which the stdlib raises for an unparsable
    chunk-size; ``partial`` holds the body bytes read by the failing call.
    """

    def __init__(self, partial: bytes, reason: str) -> None:
        IncompleteRead.__init__(self, partial, None)
        self.reason = reason

    def __repr__(self) -> str:
        return "%s(%i bytes read: %s)" % (self.__class__.__name__,
                                          len(self.partial), self.reason)

    __str__ = __repr__
