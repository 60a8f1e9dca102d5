// Runs a core on <config> <stateDir> until killed: the "Vigil process" of the
// adoption and instance-lock tests (they kill -9 it). Prints STATE <json of
// backends> every 200 ms; $VIGIL_DASHBOARD_URL, when set, is recorded as its
// dashboard (as a host that serves one does).
import { createVigil } from '../electron/core/vigil.js';

const [configPath, stateDir] = process.argv.slice(2);
if (!configPath || !stateDir) {
  console.error('usage: run-core.ts <config.yaml> <stateDir>');
  process.exit(2);
}
const core = await createVigil({ configPath, stateDir, kmsgPath: null, journalctl: null });
if (process.env.VIGIL_DASHBOARD_URL) core.setDashboardUrl(process.env.VIGIL_DASHBOARD_URL);
const report = (): void => {
  const s = core.getState();
  console.log(`STATE ${JSON.stringify(s.backends.map((b) => ({ id: b.id, status: b.status, pid: b.pid, adopted: b.adopted })))}`);
};
core.subscribe(() => undefined);
setInterval(report, 200);
process.on('SIGTERM', () => void core.shutdown().then(() => process.exit(0)));
