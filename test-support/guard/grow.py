# A process that takes memory and keeps it (touched, so it is resident and
# charged): STEP MiB every INTERVAL ms up to CAP MiB (0: no cap), then holds.
# The "backends" and the "desktop" stand-in of the squeeze runs. On SIGTERM
# it writes the time it got the signal (CLOCK_MONOTONIC ns) to $GROW_TERM_FILE
# when set, then exits 0: a graceful stop. With $GROW_GO_FILE set it starts
# growing only once that file exists (the squeeze starts when all are up).
import os, signal, sys, time

step, interval_ms, cap = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
held = []

def on_term(_sig, _frame):
    path = os.environ.get('GROW_TERM_FILE')
    if path:
        with open(path, 'w') as f:
            f.write(str(time.clock_gettime_ns(time.CLOCK_MONOTONIC)))
    sys.exit(0)

signal.signal(signal.SIGTERM, on_term)
mib = 1 << 20
go = os.environ.get('GROW_GO_FILE')
while go and not os.path.exists(go):
    time.sleep(0.02)
while True:
    if cap == 0 or len(held) < cap // step:
        b = bytearray(step * mib)
        for i in range(0, len(b), 4096):
            b[i] = 1
        held.append(b)
        sys.stdout.write(f'held {len(held) * step} MiB\n')
        sys.stdout.flush()
    time.sleep(interval_ms / 1000)
