// The config file's schema, shared by the core's loader and the renderer's
// add-backend form. Runs everywhere: zod only. Human forms ('2s', '48G') are
// normalised to numbers (ms, bytes) here so every consumer sees one shape.
// Splitting a `cmd` string into argv lives in the core (electron/core/config).
import { z } from 'zod';
import { BackendId } from './api.js';
import { parseDuration } from './units.js';
import { WatchConfigSchema } from './watch-schema.js';

export { parseDuration };

// Sizes are binary whatever the spelling ('48G' = '48GiB'), as in systemd's
// MemoryMax= and docker's --memory: that is what users of those tools expect.
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** '48G', '64MiB', '512k', '1.5GB' or a number of bytes → bytes. */
export function parseSize(v: string | number): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.floor(v) : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?|(b)?)\s*$/i.exec(v);
  if (!m) return null;
  const unit = (m[2] ?? m[3] ?? '').toLowerCase();
  return Math.floor(Number(m[1]) * SIZE_UNITS[unit]!);
}

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(v)}: use e.g. 500ms, 2s, 5m, 1h or a number of ms` });
    return z.NEVER;
  }
  return ms;
});

const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const bytes = parseSize(v);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', message: `invalid size ${JSON.stringify(v)}: use e.g. 48G, 64MiB, 512k or a number of bytes` });
    return z.NEVER;
  }
  return bytes;
});

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGKILL', 'SIGUSR1', 'SIGUSR2'] as const;
const signal = z
  .string()
  .transform((s) => (s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : `SIG${s.toUpperCase()}`))
  .pipe(z.enum(SIGNALS, { error: `stop signal must be one of ${SIGNALS.join(', ')}` }));

const count = (min: number) => z.number().int().min(min);

export const HealthSchema = z
  .strictObject({
    /** null or 'none': no HTTP probe; a live process counts as ready. */
    path: z
      .union([z.string(), z.null()])
      .default('/health')
      .transform((p, ctx) => {
        if (p === null || p === 'none') return null;
        if (!p.startsWith('/')) {
          ctx.addIssue({ code: 'custom', message: `health path must start with '/' (or be 'none'), got ${JSON.stringify(p)}` });
          return z.NEVER;
        }
        return p;
      }),
    interval: duration.default(2000),
    timeout: duration.default(1000),
    unhealthyAfter: count(1).default(3),
    restartAfter: count(1).default(6),
    startupTimeout: duration.default(600_000),
    /**
     * llama-server only, opt-in: a one-token completion every `every`, so a
     * server whose /health answers while inference is stuck is found
     * unhealthy. Skipped while its slots are busy.
     */
    generate: z
      .strictObject({ every: duration.default(60_000), timeout: duration.default(30_000) })
      .nullable()
      .default(null),
  })
  .transform((h) => ({
    path: h.path,
    intervalMs: h.interval,
    timeoutMs: h.timeout,
    unhealthyAfter: h.unhealthyAfter,
    restartAfter: h.restartAfter,
    startupTimeoutMs: h.startupTimeout,
    generate: h.generate && { everyMs: h.generate.every, timeoutMs: h.generate.timeout },
  }));

export const RestartSchema = z
  .strictObject({
    policy: z.enum(['always', 'on-failure', 'never']).default('on-failure'),
    backoff: z
      .strictObject({ initial: duration.default(1000), factor: z.number().min(1).default(2), max: duration.default(60_000) })
      .prefault({}),
    limit: z.strictObject({ count: count(0).default(5), window: duration.default(600_000) }).prefault({}),
  })
  .transform((r) => ({
    policy: r.policy,
    backoff: { initialMs: r.backoff.initial, factor: r.backoff.factor, maxMs: r.backoff.max },
    limit: { count: r.limit.count, windowMs: r.limit.window },
  }));

const argvOrString = z.union([z.string().trim().min(1, 'command is empty'), z.array(z.string()).min(1, 'command is empty')]);

/**
 * How a backend is stopped: a signal to its process group, or a command (for
 * backends whose process is only a client, e.g. `docker run`: `docker stop …`),
 * with `${PID}` and `${PORT}` replaced; then `grace` before SIGKILL.
 */
export const StopSchema = z
  .strictObject({ signal: signal.default('SIGTERM'), grace: duration.default(10_000), cmd: argvOrString.nullable().default(null) })
  .transform((s) => ({ signal: s.signal, graceMs: s.grace, cmd: s.cmd }));

/**
 * OOM-kill priority and what the pressure guard may do with this backend.
 * `scoreAdj` is written to the process's /proc/PID/oom_score_adj (its
 * children inherit it): -1000..1000, positive makes the kernel (and earlyoom)
 * take it before ordinary programs; 0 keeps the kernel's own choice; a
 * negative value needs CAP_SYS_RESOURCE, which Vigil never works around.
 */
export const OOM_SCORE_ADJ_DEFAULT = 500;
export const OomSchema = z.strictObject({
  scoreAdj: z.number().int().min(-1000, 'oom.scoreAdj must be in -1000..1000').max(1000, 'oom.scoreAdj must be in -1000..1000').default(OOM_SCORE_ADJ_DEFAULT),
  onPressure: z.enum(['stop', 'restart-smaller', 'never'], { error: 'oom.onPressure must be stop, restart-smaller or never' }).default('stop'),
  /** Lower is shed first; ties go to the larger backend. */
  priority: z.number().int().default(10),
});

const envValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const hasPortMacro = (cmd: string | string[]) => (Array.isArray(cmd) ? cmd.some((a) => a.includes('${PORT}')) : cmd.includes('${PORT}'));

/** One backend as written in the file (before `cmd` string splitting). */
export const BackendSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    /** argv array, or one string split like a shell would (without running one). */
    cmd: z.union([z.string().trim().min(1, 'cmd is empty'), z.array(z.string()).min(1, 'cmd is empty')]),
    env: z.record(z.string(), envValue).default({}),
    cwd: z.string().min(1).nullable().default(null),
    /** A fixed port, or 'auto' (also when omitted): Vigil picks a free one for `${PORT}`. */
    port: z.union([z.number().int().min(1).max(65535), z.literal('auto')]).default('auto'),
    health: HealthSchema.prefault({}),
    restart: RestartSchema.prefault({}),
    stop: StopSchema.prefault({}),
    memoryLimit: size.nullable().default(null),
    oom: OomSchema.prefault({}),
    /** Before each start Vigil predicts llama-server's memory; `refuse` does not start what won't load or would be killed on a long prompt (the dashboard can start it once anyway). */
    fit: z.strictObject({ policy: z.enum(['warn', 'refuse']).default('warn') }).prefault({}),
    autostart: z.boolean().default(true),
    keepRunningOnQuit: z.boolean().default(false),
    /** Read its log and API as llama-server's: true or false forces it; unset, a command named llama-server is. */
    llama: z.boolean().nullable().default(null),
  })
  .superRefine((b, ctx) => {
    // An auto port only reaches the backend through `${PORT}`; without it the
    // probe would knock on a port nobody listens on.
    if (b.port === 'auto' && b.health.path !== null && !hasPortMacro(b.cmd)) {
      ctx.addIssue({
        code: 'custom',
        path: ['port'],
        message: "no port: set `port: <number>` or put ${PORT} in cmd so Vigil can choose one (or `health: {path: none}`)",
      });
    }
  });

const percentOrSize = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (typeof v === 'string') {
    const pm = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
    if (pm) return { percent: Number(pm[1]) } as { percent: number } | { bytes: number };
  }
  const bytes = parseSize(v);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', message: `invalid threshold ${JSON.stringify(v)}: use a size (2G) or a percent (5%)` });
    return z.NEVER;
  }
  return { bytes } as { percent: number } | { bytes: number };
});

export const AlertsSchema = z.strictObject({
  memAvailableBelow: percentOrSize.prefault('5%'),
  psiFullAvg10Above: z.number().min(0).max(100).default(10),
  limitMarginPercent: z.number().min(0).max(100).default(10),
});

/**
 * The pressure guard: when memory pressure (PSI full avg10, %) or
 * MemAvailable stays past its threshold for `for`, the backend with the
 * lowest `oom.priority` is stopped through its own stop sequence. The
 * machine is the tighter of the host and the memory cgroup Vigil runs in.
 */
export const GuardSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** PSI memory "full" avg10 (%) at or above which the machine is under pressure; null: not used. */
    psiFullAbove: z.number().min(0).max(100).nullable().default(20),
    /** MemAvailable at or below this (a size or a percent of the machine) is pressure; null: not used. */
    memAvailableBelow: percentOrSize.nullable().prefault('5%'),
    /** How long a threshold must hold before Vigil acts. */
    for: duration.default(2000),
    /** After a shed, the next one waits this long (the freed memory needs a moment to show). */
    cooldown: duration.default(10_000),
    /** How often pressure is read between the kernel's notifications. */
    interval: duration.default(500),
    /** cgroup v1: read at once on the kernel's notifications (pressure level, usage threshold); false: on the interval only. */
    wakeups: z.boolean().default(true),
  })
  .transform((g) => ({ enabled: g.enabled, psiFullAbove: g.psiFullAbove, memAvailableBelow: g.memAvailableBelow, forMs: g.for, cooldownMs: g.cooldown, intervalMs: g.interval, wakeups: g.wakeups }));

export const ConfigFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  backends: z.record(BackendId, BackendSchema).default({}),
  alerts: AlertsSchema.prefault({}),
  guard: GuardSchema.prefault({}),
  kernelLog: z
    .strictObject({ sources: z.array(z.enum(['kmsg', 'journal'])).min(1).default(['kmsg', 'journal']) })
    .prefault({}),
  sampling: z.strictObject({ intervalMs: z.number().int().min(100).max(60_000).default(1000) }).prefault({}),
  /** Servers Vigil did not start (Ollama, lemonade, llama-swap, a llama-server from a terminal …). */
  watch: WatchConfigSchema.prefault({}),
});

/** One backend as a user writes it (durations/sizes as strings, cmd as string or argv). */
export type BackendConfigInput = z.input<typeof BackendSchema>;
/** One backend after the schema, before cmd splitting. */
export type ParsedBackend = z.output<typeof BackendSchema>;
/** One backend, fully normalised: ms, bytes, argv. This is what the supervisor runs. */
export type BackendConfig = Omit<ParsedBackend, 'cmd' | 'stop'> & {
  id: string;
  cmd: string[];
  stop: Omit<ParsedBackend['stop'], 'cmd'> & { cmd: string[] | null };
};
export type ConfigFileInput = z.input<typeof ConfigFileSchema>;
export type ParsedConfigFile = z.output<typeof ConfigFileSchema>;
/** The whole file, normalised. */
export type VigilConfig = Omit<ParsedConfigFile, 'backends'> & { backends: Record<string, BackendConfig> };
