import { describe, expect, it } from 'vitest';
import { backendLogPath, logsDir, resolveConfigPath, resolveStateDir } from './paths.js';

describe('paths', () => {
  it('config: --config flag, then VIGIL_CONFIG, then XDG_CONFIG_HOME, then ~/.config', () => {
    const env = { VIGIL_CONFIG: '/e/c.yaml', XDG_CONFIG_HOME: '/xdg' };
    expect(resolveConfigPath(['node', 'vigil', '--config', '/f/c.yaml'], env, '/home/u')).toBe('/f/c.yaml');
    expect(resolveConfigPath(['--config=/g/c.yaml'], env, '/home/u')).toBe('/g/c.yaml');
    expect(resolveConfigPath([], env, '/home/u')).toBe('/e/c.yaml');
    expect(resolveConfigPath([], { XDG_CONFIG_HOME: '/xdg' }, '/home/u')).toBe('/xdg/vigil/config.yaml');
    expect(resolveConfigPath([], { XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe('/home/u/.config/vigil/config.yaml');
    expect(resolveConfigPath([], {}, '/home/u')).toBe('/home/u/.config/vigil/config.yaml');
  });
  it('state: VIGIL_STATE_DIR, XDG_STATE_HOME, ~/.local/state', () => {
    expect(resolveStateDir({ VIGIL_STATE_DIR: '/s' }, '/home/u')).toBe('/s');
    expect(resolveStateDir({ XDG_STATE_HOME: '/xs' }, '/home/u')).toBe('/xs/vigil');
    expect(resolveStateDir({}, '/home/u')).toBe('/home/u/.local/state/vigil');
    expect(logsDir('/s')).toBe('/s/logs');
    expect(backendLogPath('/s', 'llama')).toBe('/s/logs/llama.log');
  });
});
