// What each llama-swap setting becomes in Vigil, or why it has no meaning
// here. The import's report is written from this table, so a user sees for
// every key of their file where it went.

/** Settings that carry over (the converter handles them). */
export const TOP_MAPPED: Record<string, string> = {
  models: 'backends (one per model)',
  macros: 'expanded into the values that use them',
  healthCheckTimeout: "each backend's health.startupTimeout (llama-swap's default 120 s and minimum 15 s apply)",
  startPort: 'the fixed port of each model that uses ${PORT} (the port llama-swap would give it)',
  unloadTimeout: "each backend's stop.grace (time between the stop and SIGKILL)",
  hooks: 'hooks.on_startup.preload → autostart: true; every other model autostart: false',
};

export const MODEL_MAPPED: Record<string, string> = {
  cmd: 'cmd (as argv, split the way llama-swap splits it)',
  cmdStop: 'stop.cmd (as argv; ${PID} stays for Vigil to fill in)',
  proxy: 'port (and a path prefix of the health check)',
  checkEndpoint: 'health.path (none → no HTTP probe)',
  env: 'env',
  name: 'name',
  macros: 'expanded into the values that use them',
  unloadTimeout: 'stop.grace',
};

const PROXY = "Vigil does not proxy requests: clients talk to each backend's port";
const SWAP = 'Vigil does not swap models: each backend runs on its own, started by autostart or by hand';

export const TOP_IGNORED: Record<string, string> = {
  logLevel: "llama-swap's own logging; Vigil keeps each backend's output in its log",
  logTimeFormat: "llama-swap's own logging",
  logToStdout: "llama-swap's own logging; Vigil keeps each backend's output in its log",
  logRequests: "llama-swap's own logging",
  metricsMaxInMemory: `request metrics of llama-swap's proxy; ${PROXY}`,
  captureBuffer: `request captures of llama-swap's proxy; ${PROXY}`,
  store: "storage of llama-swap's request activity",
  ui: "llama-swap's web UI",
  performance: "llama-swap's system statistics; Vigil samples memory itself (sampling.intervalMs)",
  sendLoadingState: `loading messages in proxied responses; ${PROXY}`,
  includeAliasesInList: "llama-swap's /v1/models listing; Vigil has no model list",
  globalTTL: 'unloads idle models; Vigil does not see requests, so it never stops a backend for being idle',
  apiKeys: `keys for llama-swap's proxy; ${PROXY} (Vigil's own API has its own token)`,
  upstream: `llama-swap's /upstream passthrough; ${PROXY}`,
  profiles: `maps requested model IDs to others; ${PROXY}`,
  selectors: `chooses a model per request; ${PROXY}`,
  routing: `which models may run together while llama-swap swaps; ${SWAP}`,
  groups: `which models may run together while llama-swap swaps; ${SWAP}`,
  matrix: `which models may run together while llama-swap swaps; ${SWAP}`,
  peers: 'remote servers llama-swap forwards requests to; Vigil supervises processes on this machine (a desktop Vigil can connect to another machine\'s `vigil serve`)',
};

export const MODEL_IGNORED: Record<string, string> = {
  ttl: 'unloads the model when idle; Vigil does not see requests, so it never stops a backend for being idle',
  description: "shown in llama-swap's /v1/models; Vigil has no description field",
  unlisted: "hides the model from llama-swap's /v1/models; Vigil has no model list",
  aliases: `other model names the proxy answers to; ${PROXY}`,
  useModelName: `model name rewritten in proxied requests; ${PROXY}`,
  filters: `rewrites proxied requests; ${PROXY}`,
  metadata: "extra data in llama-swap's /v1/models; Vigil has no model list",
  concurrencyLimit: `limits parallel proxied requests; ${PROXY}`,
  sendLoadingState: `loading messages in proxied responses; ${PROXY}`,
  timeouts: `connection timeouts of the proxy; ${PROXY}`,
  compat: `websocket handling of the proxy; ${PROXY}`,
  capabilities: "listed in llama-swap's /v1/models; Vigil has no model list",
  healthCheckTimeout: 'llama-swap replaces it with the top-level healthCheckTimeout',
};

export const UNKNOWN_KEY = 'not a llama-swap setting (llama-swap ignores it too)';
