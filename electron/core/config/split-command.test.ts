import { describe, expect, it } from 'vitest';
import { CommandSplitError, splitCommand } from './split-command.js';

describe('splitCommand', () => {
  it('splits on whitespace, newlines and tabs', () => {
    expect(splitCommand('llama-server  -m a.gguf\n\t--ctx-size 8192')).toEqual(['llama-server', '-m', 'a.gguf', '--ctx-size', '8192']);
  });
  it('keeps quoted spaces and joins adjacent quoted parts', () => {
    expect(splitCommand(`run "a b" 'c  d' e"f g"h`)).toEqual(['run', 'a b', 'c  d', 'ef gh']);
    expect(splitCommand(`x "" ''`)).toEqual(['x', '', '']);
  });
  it('handles backslash escapes like sh', () => {
    expect(splitCommand('a\\ b c\\"d')).toEqual(['a b', 'c"d']);
    expect(splitCommand(`"q\\"x" "back\\\\slash" "lit\\n"`)).toEqual(['q"x', 'back\\slash', 'lit\\n']);
    expect(splitCommand(`'no \\escape'`)).toEqual(['no \\escape']);
  });
  it('joins line continuations and drops comments', () => {
    expect(splitCommand('server \\\n  --port 1 # the port\n  --flag')).toEqual(['server', '--port', '1', '--flag']);
    expect(splitCommand('a#b')).toEqual(['a#b']);
  });
  it('keeps ${PORT} and other $ words literal', () => {
    expect(splitCommand('srv --port ${PORT} --x=$HOME "${PORT}"')).toEqual(['srv', '--port', '${PORT}', '--x=$HOME', '${PORT}']);
  });
  it.each(['a | b', 'a && b', 'a > out.log', 'a; b', 'a & ', 'a < in', 'a $(date)', 'a `date`', '(a)'])('rejects shell syntax in %j', (s) => {
    expect(() => splitCommand(s)).toThrow(CommandSplitError);
    expect(() => splitCommand(s)).toThrow(/not supported: Vigil runs cmd without a shell/);
  });
  it('allows operators inside quotes', () => {
    expect(splitCommand(`sh -c 'a | b && c > d'`)).toEqual(['sh', '-c', 'a | b && c > d']);
  });
  it('reports unterminated quotes with their position', () => {
    expect(() => splitCommand('a "b c')).toThrow(/unterminated " quote in cmd \(opened at character 3\)/);
    expect(() => splitCommand("a 'b")).toThrow(/unterminated ' quote/);
    expect(() => splitCommand('a \\')).toThrow(/lone backslash/);
  });
});
