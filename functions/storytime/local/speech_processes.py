"""Speech in warm worker processes, each part in a fresh copy of a warm libespeak-ng.

libespeak-ng keeps global state and is not reentrant, and its state outlives a synthesis: in one
process, French text such as "PR 1ᵉʳ" left every later French page 2.3 % slower spoken, and any
two syntheses of the same text differ by a few samples. So no page is spoken in a process that
spoke before. Each worker (one per engine slot, started once at the engines' nice value, pebble's
pool as for the reader) loads and initialises the library once and never speaks itself: each part
is spoken by a fork of it (~1.5 ms of CPU, no exec, no library or voice data loaded again), which
starts from the state the program starts from and so makes exactly the program's audio, and exits.

A fork that crashes fails the call with :class:`EngineError` and its worker carries on; one that
runs past ``timeout_seconds`` is killed. A worker that dies or hangs itself is ended and replaced
by the pool (``timeout_seconds`` plus a margin). The server never loads the library, so nothing
espeak-ng does can take it down; workers and forks end with the server, even a killed one.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import select
import signal
import time

from storytime.errors import EngineError
from storytime.local.speech_espeak import TIMEOUT_SECONDS, KeptSpeech, Spoken, sanitize_for_espeak
from storytime.local.speech_library import LIBRARY, Library, speak_part
from storytime.local.warm_workers import WarmWorkers, settle_worker, start_worker

_library: Library | EngineError | None = None  # the worker's, made by _start
_PR_SET_PDEATHSIG = 1
# The pool's own limit beyond a part's: the worker itself is stuck (its fork is killed at the part's).
MARGIN_SECONDS = 5.0


def _start(nice: int, path: str) -> None:
    global _library
    start_worker(nice)
    try:
        _library = Library(path)
        # The commonest voice read once here, not by each fork (2 ms); a fork still makes the program's audio.
        _library.set_voice("en-us")
    except EngineError as error:  # every call answers with it, rather than workers dying as they start
        _library = error
    settle_worker()


def _die_with_parent() -> None:
    """The fork is killed by the kernel when its worker ends, however it ends."""
    try:
        libc = ctypes.CDLL(None)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the part's timeout still ends it
        pass


def _speak(text: str, voice: str, bitrate_kbps: int, timeout: float) -> Spoken:
    """In a worker: ``text`` spoken by a fork of this process, which sends back its pickled result."""
    if isinstance(_library, EngineError):
        raise _library
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fork: speak, write, exit; never back into the pool's code
        code = 1
        try:
            os.close(read)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the pool's handler
            _die_with_parent()
            try:
                result: object = speak_part(_library, text, voice, bitrate_kbps)
            except EngineError as error:
                result = str(error)
            data = memoryview(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(write, data):]
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    try:
        data = _read_until(read, time.monotonic() + timeout)
    except BaseException:  # never leave the fork running or unreaped
        data = None
        raise
    finally:
        os.close(read)
        if data is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if data is None:
        raise EngineError(f"espeak-ng took longer than {timeout:g} s")
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0 or not data:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        raise EngineError(f"espeak-ng's process ended without speaking ({how})")
    result = pickle.loads(data)
    if isinstance(result, str):
        raise EngineError(result)
    return result


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until its end, or None if the deadline comes first."""
    pieces = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        piece = os.read(fd, 1 << 20)
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)


class SpeechProcesses(KeptSpeech):
    """espeak-ng speech with sentence marks, each part in one synthesis, off the server's process.

    :param size: worker processes (parts spoken at once): one per engine slot.
    :param nice: the workers' nice value (the engines').
    :param timeout_seconds: a part's limit, as the program's: its fork is killed after it.
    """

    niced_apart = True  # its processes run below the API: a caller's thread need not be lowered

    def __init__(self, size: int = 1, nice: int = 10, *, timeout_seconds: float = TIMEOUT_SECONDS,
                 bitrate_kbps: int = 64, library: str = LIBRARY) -> None:
        super().__init__()
        self.workers = WarmWorkers(size, _start, (nice, library), "espeak-ng's worker")
        self.size = self.workers.size
        self.timeout_seconds = timeout_seconds
        self.bitrate_kbps = bitrate_kbps

    def _spoken(self, text: str, espeak_voice: str) -> Spoken:
        if not sanitize_for_espeak(text or "").strip():  # no process for nothing to say
            raise EngineError("There is no text to read aloud.")
        return self.workers.call(_speak, (text, espeak_voice, self.bitrate_kbps, self.timeout_seconds),
                                 self.timeout_seconds + MARGIN_SECONDS,
                                 late=f"espeak-ng's worker did not answer within {self.timeout_seconds:g} s")

    def warm(self) -> set[int]:
        """Wait until every worker is up with the library loaded. Returns their process ids."""
        return self.workers.warm(120)

    def close(self) -> None:
        self.workers.close()
