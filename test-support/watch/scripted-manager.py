#!/usr/bin/env python3
# A manager stand-in driven line by line on stdin, for the watch tests: it
# starts servers as its children (optionally inside a memory cgroup), stops
# one cleanly (SIGTERM, then waits for it, as llama-swap does on a model
# swap), and reaps its exited children after a delay (as Ollama does within
# ~130 ms), or never. It names itself (comm) like the manager it stands in
# for. Each command's answer is one line on stdout.
#
#   scripted-manager.py [--comm NAME] [--reap-after-ms N | --never-reap]
#   stdin:  start [--cgroup-procs FILE] -- PROGRAM ARGS...   → "started PID"
#           stop PID                                         → "stopped PID STATUS"
import os
import shlex
import signal
import sys
import threading
import time

args = sys.argv[1:]
comm = "llama-swap"
reap_after = 0.0
never_reap = False
while args:
    if args[0] == "--comm":
        comm, args = args[1], args[2:]
    elif args[0] == "--reap-after-ms":
        reap_after, args = int(args[1]) / 1000.0, args[2:]
    elif args[0] == "--never-reap":
        never_reap, args = True, args[1:]
    else:
        sys.exit(f"scripted-manager: unknown option {args[0]}")

with open("/proc/self/comm", "w") as f:
    f.write(comm)

stopping = set()
lock = threading.Lock()


def reaper():
    # Learn of an exit without collecting it (WNOWAIT), wait the delay, then collect.
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            time.sleep(0.01)
            continue
        if info is None:
            continue
        with lock:
            if info.si_pid in stopping:
                time.sleep(0.005)
                continue
        if reap_after:
            time.sleep(reap_after)
        try:
            os.waitpid(info.si_pid, 0)
        except ChildProcessError:
            pass


if not never_reap:
    threading.Thread(target=reaper, daemon=True).start()

for line in sys.stdin:
    words = shlex.split(line)
    if not words:
        continue
    if words[0] == "start":
        cgroup_procs = None
        rest = words[1:]
        if rest[:1] == ["--cgroup-procs"]:
            cgroup_procs, rest = rest[1], rest[2:]
        argv = rest[1:] if rest[:1] == ["--"] else rest
        pid = os.fork()
        if pid == 0:
            try:
                if cgroup_procs:
                    with open(cgroup_procs, "w") as f:
                        f.write(str(os.getpid()))
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        print(f"started {pid}", flush=True)
    elif words[0] == "stop":
        pid = int(words[1])
        with lock:
            stopping.add(pid)
        os.kill(pid, signal.SIGTERM)
        _, status = os.waitpid(pid, 0)
        with lock:
            stopping.discard(pid)
        print(f"stopped {pid} {status}", flush=True)
    else:
        print(f"error unknown command {words[0]}", flush=True)
