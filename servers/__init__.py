"""Scripted fake HTTP servers speaking raw bytes on loopback."""
from .script import Action, Recv, ScriptError, Send, Step, Trickle, byte_expr, parse_script
from .scripted import Connection, Event, ScriptedServer

__all__ = [
    "Action", "Connection", "Event", "Recv", "ScriptError", "ScriptedServer",
    "Send", "Step", "Trickle", "byte_expr", "parse_script",
]
