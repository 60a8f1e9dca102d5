// The tray menu and the notifications for the states a user meets, produced
// by the real core with the real llama-server: one ready, one OOM-killed by
// the kernel in its memory limit and waiting to restart, one held after its
// restart limit, one hung (SIGSTOP). The dashboard's views of the same
// states are e2e/views-real.spec.ts.
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { formatClock } from '../common/format.js';
import type { VigilState } from '../common/state.js';
import { createElectronMock } from '../../test-support/electron-mock.js';
import { itLlamaPrivileged } from '../../test-support/llama/it-llama.js';
import { llamaServerPath, model } from '../../test-support/llama/testbed.js';
import { cleanupVigils, startVigil } from '../../test-support/llama/vigil-with-llama.js';
import { oomCapability } from '../../test-support/privileged.js';
import { createNotifier, type NotifierDeps } from './notifications.js';
import { trayBackendItems, trayLevel, trayTooltip } from './tray-model.js';

const bin = llamaServerPath().path;
if (bin) process.env.PATH = `${path.dirname(bin)}:${process.env.PATH ?? ''}`;
let stopped: number | null = null;
afterAll(async () => {
  if (stopped !== null) process.kill(stopped, 'SIGCONT');
  await cleanupVigils();
});

itLlamaPrivileged('tray labels and notifications say what a ready, an OOM-killed, a held and a hung real llama-server are', oomCapability, async () => {
  const [tiny, small] = await Promise.all([model('tiny'), model('small')]);
  const backends = {
    ready: { cmd: `llama-server -m ${small} -c 2048 --port \${PORT}` },
    oom: { cmd: `llama-server -m ${small} -c 4096 --no-mmap --port \${PORT}`, memoryLimit: '64MiB', restart: { policy: 'on-failure', backoff: { initial: '1m' } } },
    failed: { cmd: `llama-server -m /nonexistent/model.gguf --port \${PORT}`, restart: { policy: 'on-failure', backoff: { initial: '200ms' }, limit: { count: 1, window: '10m' } } },
    hung: { cmd: `llama-server -m ${tiny} -c 512 --port \${PORT}`, health: { interval: '500ms', timeout: '500ms', unhealthyAfter: 2, restartAfter: 10_000 } },
  };
  const v = await startVigil(
    Object.fromEntries(Object.entries(backends).map(([id, b]) => [id, { ...b, autostart: false }])),
    { kmsgPath: '/dev/kmsg', journalctl: null, kernelLogSources: ['kmsg'] },
    // Other programs' llama-servers on this machine would be watched and counted in the tooltip: not this test's subject.
    { watch: { enabled: false } },
  );
  const { module, rec } = createElectronMock();
  // Fed every snapshot the core publishes, as the desktop host does, from before the first start.
  const notifier = createNotifier({ Notification: module.Notification } as unknown as NotifierDeps, { onClick: () => {} });
  notifier.update(v.core.getState());
  v.core.subscribe((s) => notifier.update(s));
  for (const id of Object.keys(backends)) void v.core.start({ id });

  await v.until((b) => b.status === 'ready', 60_000, 'ready');
  await v.until((b) => b.status === 'ready', 60_000, 'hung');
  await v.until((b) => b.status === 'backoff' && b.lastExit?.oom?.source === 'kmsg', 60_000, 'oom');
  await v.until((b) => b.status === 'failed', 30_000, 'failed');
  stopped = v.view('hung').pid!;
  process.kill(stopped, 'SIGSTOP');
  await v.until((b) => b.status === 'unhealthy', 15_000, 'hung');

  const state: VigilState = v.core.getState();
  const oom = v.view('oom');
  expect(trayLevel(state.backends)).toBe('down');
  // Watch mode may list llama-servers that other tests on the machine left running: the tooltip's backend part is checked.
  expect(trayTooltip({ ...state, watched: [] })).toBe('Vigil — 1 ready, 1 backoff, 1 failed, 1 unhealthy');
  expect(trayBackendItems(state.backends).map((i) => i.label)).toEqual([
    'ready: ready',
    `oom: restarting at ${formatClock(oom.nextRestartAt!)} (OOM-killed)`,
    'failed: failed, held until started',
    'hung: unhealthy (process stopped)',
  ]);

  const shown = rec.shown.map((n) => [n.opts.title, n.opts.body]);
  expect(shown).toContainEqual(['oom was killed by the OOM killer', expect.stringMatching(new RegExp(`restarting at ${formatClock(oom.nextRestartAt!)} \\(in (\\d+m )?\\d+s\\)$`))]);
  // The notices say what followed each exit, never "restarted" before it happened.
  // The log's reason follows the exit when llama-server's last lines reached its log (it sometimes loses them at exit).
  const why = '(: model file not found: /nonexistent/model\\.gguf)?';
  expect(shown).toContainEqual(['failed crashed', expect.stringMatching(new RegExp(`^exited with code 1${why}; restarting at \\d\\d:\\d\\d:\\d\\d \\(in 1s\\)$`))]);
  expect(shown).toContainEqual(['failed is held', expect.stringMatching(new RegExp(`^restart limit reached: 1 restart in 10m 00s \\(last: exited with code 1${why}\\)$`))]);
  expect(shown).toContainEqual(['hung is not answering', 'process is stopped (T) (1 failed probe)']);
  // No duration anywhere as a millisecond count.
  for (const [title, body] of shown) expect(`${title} ${body}`).not.toMatch(/\d{4,} ?ms\b/);
}, 150_000);
