"""A callback-style hook that refuses, then changes its mind: the first outcome must stand."""

from dahooks import Callback, Context


def hook(ctx: Context, callback: Callback) -> None:
    callback(Exception("first answer: no"))
    callback(None, {"title": "second answer"})
