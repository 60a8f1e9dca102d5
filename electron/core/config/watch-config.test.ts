// The `watch:` section of the config file: its defaults, the example's
// section, and errors that name the file, line and field.
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG } from './example-config.js';
import { parseConfigText } from './load-config.js';

describe('watch: in the config file', () => {
  it('defaults when absent; the example config spells out the same defaults', () => {
    const none = parseConfigText('backends: {}\n', '/c.yaml');
    const example = parseConfigText(EXAMPLE_CONFIG, '/c.yaml');
    if (!none.ok || !example.ok) throw new Error('both load');
    expect(none.config.watch).toEqual({ enabled: true, catalog: true, rules: [], ignore: [], health: { interval: 4000, timeout: 2000, unhealthyAfter: 2 }, zombieGrace: 2000 });
    expect(example.config.watch).toEqual(none.config.watch);
  });

  it('reads rules and ignores with durations and unit names normalised', () => {
    const r = parseConfigText(
      'watch:\n  rules:\n    - { name: my-api, port: 9000, health: /healthz }\n  ignore:\n    - { unit: ollama }\n  zombieGrace: 500ms\n',
      '/c.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.config.watch.rules).toEqual([{ name: 'my-api', port: 9000, health: '/healthz' }]);
    expect(r.config.watch.ignore).toEqual([{ unit: 'ollama.service' }]);
    expect(r.config.watch.zombieGrace).toBe(500);
  });

  it('a rule without a condition, a bad regex or an unknown key is an error with its line and field', () => {
    const noCondition = parseConfigText('watch:\n  rules:\n    - name: x\n', '/c.yaml');
    expect(noCondition).toMatchObject({ ok: false, issues: [{ file: '/c.yaml', line: 3, field: 'watch.rules.0', message: expect.stringMatching(/at least one of cmdline, exe, unit, port/) }] });
    const badRegex = parseConfigText('watch:\n  rules:\n    - { name: x, cmdline: "llama(" }\n', '/c.yaml');
    expect(badRegex).toMatchObject({ ok: false, issues: [{ line: 3, field: 'watch.rules.0.cmdline', message: expect.stringMatching(/invalid regular expression/) }] });
    const typo = parseConfigText('watch:\n  zombiegrace: 2s\n', '/c.yaml');
    expect(typo).toMatchObject({ ok: false, issues: [{ line: 2, message: expect.stringMatching(/zombiegrace/) }] });
  });
});
