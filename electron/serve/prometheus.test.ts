// Vigil in a real Prometheus: Debian's `promtool` accepts the shipped alert
// rules, every metric the rules and the Grafana dashboard name is one that
// /metrics exports, and a real `prometheus` scraping a real `vigil serve`
// with its bearer token sees a backend go up and down, and an OOM kill fire
// its alert.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { FAKE_SERVER } from '../../test-support/supervisor-harness.js';
import { all, cgroupV1Memory, isRoot, itPrivileged, type CapabilityCheck } from '../../test-support/privileged.js';
import { pickFreePort } from '../../test-support/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'electron/cli/vigil.ts');
const RULES = path.join(ROOT, 'build/monitoring/vigil-alerts.rules.yml');
const DASHBOARD = path.join(ROOT, 'build/monitoring/grafana-dashboard.json');

const tool = (name: string): CapabilityCheck => () => {
  try {
    accessSync(`/usr/bin/${name}`, constants.X_OK);
    return null;
  } catch {
    return `/usr/bin/${name} missing (apt-get install prometheus)`;
  }
};

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; out: () => string } {
  const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, out: () => out };
}

async function until<T>(f: () => Promise<T | null | undefined | false>, ms: number, what: string, detail = (): string => ''): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${detail() ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface PromVector {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** The metric names an expression or dashboard text refers to. */
const metricNames = (text: string): Set<string> => new Set(text.match(/\bvigil_[a-z0-9_]+\b/g) ?? []);

describe('Prometheus and Grafana', () => {
  itPrivileged('promtool accepts the alert rules', tool('promtool'), () => {
    const r = spawnSync('/usr/bin/promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 5 rules found/);
  });

  itPrivileged(
    'a real prometheus scrapes vigil serve with its token: up, down, and an OOM kill that fires its alert',
    all(tool('prometheus'), isRoot, cgroupV1Memory),
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'vigil-prom-'));
      dirs.push(dir);
      const cfg = path.join(dir, 'config.yaml');
      const fake = (extra: string[]): string => JSON.stringify([process.execPath, FAKE_SERVER, '--port', '${PORT}', ...extra]);
      writeFileSync(
        cfg,
        `backends:
  fake:
    cmd: ${fake(['--load-ms', '100'])}
    health: { interval: 200ms, timeout: 500ms }
    stop: { grace: 2s }
  hog:
    cmd: ${fake(['--grow-mb-per-sec', '80'])}
    memoryLimit: 64MiB
    restart: { policy: never }
    autostart: false
`,
      );
      const vigilPort = await pickFreePort();
      const vigil = run(process.execPath, ['--import', 'tsx', CLI, 'serve', '--config', cfg, '--state-dir', path.join(dir, 'state'), '--port', String(vigilPort)], {
        VIGIL_RENDERER_DIR: dir,
      });
      const url = await until(async () => /Vigil dashboard: (\S+)/.exec(vigil.out())?.[1], 60_000, 'vigil serve', vigil.out);
      const token = new URL(url).searchParams.get('token')!;
      const auth = { Authorization: `Bearer ${token}` };

      // Every metric the rules and the dashboard use is one Vigil exports (a renamed metric breaks this test, not a user's alert).
      const exported = await (await fetch(`http://127.0.0.1:${vigilPort}/metrics`, { headers: auth })).text();
      const exportedNames = new Set([...exported.matchAll(/^# HELP (vigil_\w+)/gm)].map((m) => m[1]!));
      for (const name of [...metricNames(readFileSync(RULES, 'utf8')), ...metricNames(readFileSync(DASHBOARD, 'utf8'))]) {
        expect(exportedNames, `metric ${name}`).toContain(name);
      }

      const promPort = await pickFreePort();
      writeFileSync(path.join(dir, 'token'), token);
      writeFileSync(
        path.join(dir, 'prometheus.yml'),
        `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [${JSON.stringify(RULES)}]
scrape_configs:
  - job_name: vigil
    authorization: { credentials_file: ${JSON.stringify(path.join(dir, 'token'))} }
    static_configs: [{ targets: ['127.0.0.1:${vigilPort}'] }]
`,
      );
      const prom = run('/usr/bin/prometheus', [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ]);
      const query = async (q: string): Promise<PromVector['data']['result']> => {
        const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as PromVector;
        return r.status === 'success' ? r.data.result : [];
      };
      const value = (q: string) => async (): Promise<number | null> => {
        const r = await query(q);
        return r.length ? Number(r[0]!.value[1]) : null;
      };

      await until(async () => (await value('vigil_backend_up{backend="fake"}')()) === 1, 30_000, 'fake up in Prometheus', prom.out);
      // The scrape itself was authenticated: Prometheus reports the target healthy.
      expect(await value('up{job="vigil"}')()).toBe(1);

      await fetch(`http://127.0.0.1:${vigilPort}/api/backends/fake/stop`, { method: 'POST', headers: { ...auth, Origin: `http://127.0.0.1:${vigilPort}` } });
      await until(async () => (await value('vigil_backend_state{backend="fake",state="stopped"}')()) === 1, 60_000, 'fake stopped in Prometheus');
      expect(await value('vigil_backend_up{backend="fake"}')()).toBe(0);

      const start = await fetch(`http://127.0.0.1:${vigilPort}/api/backends/hog/start`, { method: 'POST', headers: { ...auth, Origin: `http://127.0.0.1:${vigilPort}` } });
      expect(start.status).toBe(200);
      await until(async () => ((await value('vigil_oom_kills_total{backend="hog"}')()) ?? 0) >= 1, 30_000, 'OOM kill counted in Prometheus');
      await until(
        async () => (await query('ALERTS{alertname="VigilBackendOomKilled",alertstate="firing"}')).find((a) => a.metric.backend === 'hog'),
        20_000,
        'VigilBackendOomKilled firing',
      );
    },
    90_000,
  );
});
