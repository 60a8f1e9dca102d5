// What an idle headless host keeps resident: prom-client only once /metrics
// is scraped, ws only once a dashboard connects (checked in a process of its
// own, whose module cache holds only what the host loaded).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from '../../test-support/helpers.js';

const PROBE = path.resolve(import.meta.dirname, '../../test-support/serve-probe.ts');
const kill: (() => void)[] = [];
afterEach(() => kill.splice(0).forEach((k) => k()));

describe('the headless host at idle', () => {
  it('loads prom-client on the first scrape and ws on the first WebSocket, not before', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE], { stdio: ['pipe', 'pipe', 'inherit'] });
    kill.push(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const [, port, token] = await waitFor(() => /READY (\d+) (\S+)/.exec(out), 20_000, 'the probe host');
    const loaded = async (): Promise<Record<string, boolean>> => {
      const n = out.split('LOADED').length;
      child.stdin.write('?\n');
      await waitFor(() => out.split('LOADED').length > n, 30_000, 'the probe answer');
      return JSON.parse(/LOADED (.+)\n$/.exec(out)![1]!) as Record<string, boolean>;
    };
    expect(await loaded()).toEqual({ 'prom-client': false, ws: false });

    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('vigil_backend_up{backend="alpha"}');
    expect(await loaded()).toEqual({ 'prom-client': true, ws: false });

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
    const first = await new Promise<string>((r, j) => (ws.once('message', (d) => r(d.toString())), ws.once('error', j)));
    ws.close();
    expect(JSON.parse(first)).toMatchObject({ type: 'state', state: { backends: [{ id: 'alpha' }] } });
    expect(await loaded()).toEqual({ 'prom-client': true, ws: true });
  }, 180_000);
});
