#!/usr/bin/env python3
# A careless manager: starts a server as its child and never reaps it, the
# way the manager in Vigil's founding bug left its OOM-killed llama-server a
# zombie. It names itself (comm) like a real manager, prints the child's pid,
# then sleeps until killed; SIGCHLD keeps its default disposition, so an
# exited child stays a zombie for as long as this process lives.
#
#   careless-manager.py [--comm NAME] [--cgroup-procs FILE] -- PROGRAM ARGS...
#
# --cgroup-procs: the child writes its own pid there before exec, so it runs
# (and allocates) inside that memory cgroup from its first instruction.
import os
import sys
import time

args = sys.argv[1:]
comm = "lemond"
cgroup_procs = None
while args and args[0] != "--":
    if args[0] == "--comm":
        comm = args[1]
        args = args[2:]
    elif args[0] == "--cgroup-procs":
        cgroup_procs = args[1]
        args = args[2:]
    else:
        sys.exit(f"careless-manager: unknown option {args[0]}")
if not args or len(args) < 2:
    sys.exit("usage: careless-manager.py [--comm NAME] [--cgroup-procs FILE] -- PROGRAM ARGS...")
argv = args[1:]

with open("/proc/self/comm", "w") as f:
    f.write(comm)

pid = os.fork()
if pid == 0:
    if cgroup_procs:
        with open(cgroup_procs, "w") as f:
            f.write(str(os.getpid()))
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)

print(pid, flush=True)
while True:
    time.sleep(3600)
