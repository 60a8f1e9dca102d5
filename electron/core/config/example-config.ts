// The commented config Vigil writes on first run. It must parse (a test loads
// it) and start nothing that is not installed: the backend is not autostarted.
export const EXAMPLE_CONFIG = `# Vigil configuration. Vigil reloads this file when you save it; if an edit
# is invalid, the last good configuration stays in force and the error is shown.
version: 1

backends:
  # The key is the backend id (letters, digits, . _ -).
  llama:
    name: llama.cpp server
    # An argv list, or one string split like a shell would (no shell is run:
    # pipes, redirections and $VARIABLES are not interpreted).
    # \${PORT} is replaced by the port below, or by a free one when port is auto.
    cmd: llama-server -m /path/to/model.gguf --host 127.0.0.1 --port \${PORT} --ctx-size 8192
    port: auto
    env: {}
    # cwd: /path/to/workdir
    health:
      path: /health        # llama-server answers 503 while loading, 200 when ready; 'none' = no probe
      interval: 2s
      timeout: 1s
      unhealthyAfter: 3    # failed probes before the backend is shown unhealthy
      restartAfter: 6      # failed probes before it is restarted as unresponsive
      startupTimeout: 10m  # loading a large model takes a while
      # generate: { every: 60s, timeout: 30s }   # llama-server: a one-token completion now and then,
      #                                          # so a server whose /health answers while inference
      #                                          # hangs is found; skipped while its slots are busy
    restart:
      policy: on-failure   # always | on-failure | never
      backoff: { initial: 1s, factor: 2, max: 60s }
      limit: { count: 5, window: 10m }   # then 'failed' until you act
    stop: { signal: SIGTERM, grace: 10s }
    # memoryLimit: 48G     # hard limit (cgroup); the kernel OOM-kills above it
    # Before each start Vigil predicts what llama-server will take (from the
    # model's header and these flags) and says so; 'refuse' does not start what
    # won't load or would be killed on a long prompt (the dashboard's "Start
    # anyway" starts it once).
    fit: { policy: warn }  # warn | refuse
    autostart: false       # set to true once cmd points at a real model
    keepRunningOnQuit: false
    # llama: true          # read its log and API as llama-server's (automatic when the command is llama-server)
    # When memory runs out, the model goes — not the desktop: the kernel (and
    # earlyoom) take a process with a higher oom_score_adj first (-1000..1000;
    # 0 keeps the kernel's choice; below 0 needs CAP_SYS_RESOURCE), and the
    # pressure guard stops the lowest priority first.
    oom: { scoreAdj: 500, onPressure: stop, priority: 10 }   # onPressure: stop | restart-smaller | never

alerts:
  memAvailableBelow: 5%    # or a size, e.g. 2G
  psiFullAvg10Above: 10
  limitMarginPercent: 10

# The pressure guard: when memory pressure (PSI full avg10 %) or MemAvailable
# stays past its threshold for "for", Vigil stops the backend with the lowest
# oom.priority through its own stop sequence, before the kernel has to kill.
guard:
  enabled: true
  psiFullAbove: 20
  memAvailableBelow: 5%    # or a size, e.g. 1G
  for: 2s
  cooldown: 10s

kernelLog:
  sources: [kmsg, journal]

sampling:
  intervalMs: 1000

# Servers Vigil did not start (Ollama, lemonade, llama-swap, LM Studio, vLLM,
# a llama-server from a terminal …): shown beside the backends with their
# ports, health, OOM kills and the zombies their managers leave. Vigil can
# stop one, restart its systemd unit, or adopt it; it cannot reap a zombie
# it did not start.
watch:
  enabled: true
  catalog: true            # the built-in list of LLM servers
  rules: []                # your own, by cmdline (regex), exe, unit or port, e.g.
  #  - { name: my-api, port: 9000, health: /healthz }
  ignore: []               # never watch these, e.g. [{ unit: ollama.service }]
  health: { interval: 4s, timeout: 2s, unhealthyAfter: 2 }
  zombieGrace: 2s          # an exited server its parent has not reaped after this is flagged
`;
