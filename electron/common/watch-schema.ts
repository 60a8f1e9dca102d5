// The `watch:` section of the config file: which servers Vigil did not start
// it should watch, beyond its built-in catalog, and which to leave alone.
// Runs everywhere (zod only), like config-schema.ts, into which it plugs as
// `watch: WatchConfigSchema.prefault({})`.
import { z } from 'zod';
import { parseDuration } from './units.js';

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(v)}: use e.g. 500ms, 2s, 5m or a number of ms` });
    return z.NEVER;
  }
  return ms;
});

const regex = z.string().min(1, 'empty pattern').superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(e as Error).message}` });
  }
});

/** 'ollama' → 'ollama.service'; other unit types (.scope, .slice) are kept. */
const unitName = z
  .string()
  .trim()
  .min(1, 'empty unit name')
  .transform((u) => (/\.(service|scope|slice|socket|timer|target|mount)$/.test(u) ? u : `${u}.service`));

/** What a process must show to match; every condition given must hold. */
const matchFields = {
  /** Regular expression searched in the command line (argv joined by single spaces). */
  cmdline: regex.optional(),
  /** Executable: an absolute path is compared with /proc/<pid>/exe; a bare name with its basename or argv[0]'s. */
  exe: z.string().trim().min(1, 'empty exe').optional(),
  /** systemd unit the process runs in (system or user unit). */
  unit: unitName.optional(),
  /** TCP port it listens on. */
  port: z.number().int().min(1).max(65535).optional(),
};

const hasCondition = (m: { cmdline?: string; exe?: string; unit?: string; port?: number }): boolean =>
  m.cmdline !== undefined || m.exe !== undefined || m.unit !== undefined || m.port !== undefined;
const NEEDS_CONDITION = { message: 'give at least one of cmdline, exe, unit, port', path: [] };

export const WatchMatchSchema = z.strictObject(matchFields).refine(hasCondition, NEEDS_CONDITION);

export const WatchRuleSchema = z
  .strictObject({
    /** Display name (and what events call it). */
    name: z.string().trim().min(1, 'name is empty'),
    ...matchFields,
    /** HTTP path probed on its port: any answer below 500 is healthy ('/' by default); null: no probe, alive is enough. */
    health: z.union([z.string().startsWith('/', 'health path must start with /'), z.null()]).default('/'),
  })
  .refine(hasCondition, NEEDS_CONDITION);

export const WatchConfigSchema = z.strictObject({
  /** Look for servers Vigil did not start. */
  enabled: z.boolean().default(true),
  /** Use the built-in catalog (llama-server, Ollama, lemonade, llama-swap, LM Studio, vLLM, KoboldCpp, whisper/sd servers); false: only `rules`. */
  catalog: z.boolean().default(true),
  rules: z.array(WatchRuleSchema).default([]),
  /** Processes never to watch, even when the catalog or a rule matches them. */
  ignore: z.array(WatchMatchSchema).default([]),
  health: z
    .strictObject({
      // Under the 5 s keep-alive of llama.cpp's and Node's HTTP servers: the probe's
      // connection stays open, and a probe on it costs a fifth of one that connects.
      interval: duration.default(4000),
      timeout: duration.default(2000),
      /** Consecutive failed probes before a live server is called unhealthy. */
      unhealthyAfter: z.number().int().min(1).default(2),
    })
    .prefault({}),
  /** A parent normally reaps its exited child within milliseconds; a zombie older than this is flagged. */
  zombieGrace: duration.default(2000),
});

export type WatchRule = z.output<typeof WatchRuleSchema>;
export type WatchMatch = z.output<typeof WatchMatchSchema>;
export type WatchConfig = z.output<typeof WatchConfigSchema>;
export type WatchConfigInput = z.input<typeof WatchConfigSchema>;
