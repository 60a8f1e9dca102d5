import { describe, expect, it } from 'vitest';
import { bridgeUrl } from './install.js';

describe('bridgeUrl', () => {
  it('derives the WebSocket URL from the page URL and token', () => {
    expect(bridgeUrl('http://127.0.0.1:4321/?token=abc', 'abc')).toBe('ws://127.0.0.1:4321/ws?token=abc');
    expect(bridgeUrl('https://box:8443/index.html#x', 'a b')).toBe('wss://box:8443/ws?token=a+b');
    expect(bridgeUrl('http://h/', null)).toBe('ws://h/ws');
  });
});
