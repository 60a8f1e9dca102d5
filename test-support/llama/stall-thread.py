"""Stops one thread of a process (not the whole process, as SIGSTOP would) and
holds it until stdin closes. Used to hang a real llama-server's inference
while its HTTP threads keep answering /health: ptrace SEIZE + INTERRUPT puts
that thread alone in a tracing stop; PTRACE_DETACH (or this process exiting)
lets it run on.

usage: stall-thread.py TID   (prints "stopped" once it is, "released" at the end)
"""
import ctypes
import os
import sys

PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT = 17, 0x4206, 0x4207
WALL = 0x40000000

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


def ptrace(request: int, tid: int, what: str) -> None:
    if libc.ptrace(request, tid, None, None) != 0:
        sys.exit(f"ptrace {what} of thread {tid}: {os.strerror(ctypes.get_errno())}")


tid = int(sys.argv[1])
ptrace(PTRACE_SEIZE, tid, "SEIZE")
ptrace(PTRACE_INTERRUPT, tid, "INTERRUPT")
os.waitpid(tid, WALL)
print("stopped", flush=True)
sys.stdin.read()
ptrace(PTRACE_DETACH, tid, "DETACH")
print("released", flush=True)
