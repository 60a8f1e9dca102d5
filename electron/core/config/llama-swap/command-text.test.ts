import { describe, expect, it } from 'vitest';
import { sanitizeCommand, shlexPosixSplit, stripCommentLines } from './command-text.js';

describe('shlexPosixSplit (golib shlex.Posix, which llama-swap splits cmd with)', () => {
  // The cases golib's own test lists for its POSIX dialect.
  const cases: [string, string[]][] = [
    ['', []],
    ['foo', ['foo']],
    [' foo', ['foo']],
    ['foo   ', ['foo']],
    ['foo   bar', ['foo', 'bar']],
    ['foo"   "bar', ['foo   bar']],
    ['foo"   ', ['foo   ']],
    ['"   "foo', ['   foo']],
    ['foo "bar   baz', ['foo', 'bar   baz']],
    ['foo "bar   baz ', ['foo', 'bar   baz ']],
    ['foo "bar   baz"bag', ['foo', 'bar   bazbag']],
    ['foo ""', ['foo', '']],
    ['foo "" bar', ['foo', '', 'bar']],
    ["foo'   'bar", ['foo   bar']],
    ["'   foo", ['   foo']],
    ["foo 'bar   baz' bag", ['foo', 'bar   baz', 'bag']],
    ["foo ''", ['foo', '']],
    ['\\foo', ['foo']],
    ['f\\oo', ['foo']],
    ['foo\\', ['foo']],
    ['\\"foo', ['"foo']],
    ["f\\'oo", ["f'oo"]],
    ['foo\\\nbar', ['foobar']],
    ['foo "b\\ar"', ['foo', 'b\\ar']],
    ['foo "b\\"ar"', ['foo', 'b"ar']],
    ['foo "b\'a\'r"', ['foo', "b'a'r"]],
    ['foo"\\', ['foo']],
    ['foo"\\\nbar"', ['foobar']],
    ["foo 'b\\ar'", ['foo', 'b\\ar']],
    ["foo 'b\\\"ar'", ['foo', 'b\\"ar']],
    ["foo'\\", ['foo\\']],
    ["foo'\\\nbar'", ['foo\\\nbar']],
  ];
  it.each(cases)('%j', (input, out) => {
    expect(shlexPosixSplit(input)).toEqual(out);
  });

  it('treats what a shell would interpret as plain characters', () => {
    expect(shlexPosixSplit('a | b > c; d # e $(f) `g` $HOME')).toEqual(['a', '|', 'b', '>', 'c;', 'd', '#', 'e', '$(f)', '`g`', '$HOME']);
    expect(shlexPosixSplit('a\rb\tc')).toEqual(['a\rb', 'c']); // CR is not a separator
    expect(shlexPosixSplit('"${PORT}" \'${PORT}\' \\${PORT}')).toEqual(['${PORT}', '${PORT}', '${PORT}']);
  });
});

describe("llama-swap's comment and continuation rules", () => {
  it('drops whole # lines (indented too) and keeps a # inside a line', () => {
    expect(stripCommentLines('# one\n  srv --a\n   # two\n  --b # not a comment')).toBe('  srv --a\n  --b # not a comment');
  });
  it('joins a line that ends in a backslash and splits the rest', () => {
    expect(sanitizeCommand('python model1.py \\\n  -a \\\n  # skipped\n  -b')).toEqual(['python', 'model1.py', '-a', '-b']);
    expect(sanitizeCommand('srv --x # y')).toEqual(['srv', '--x', '#', 'y']);
  });
  it('says when nothing is left to run', () => {
    expect(sanitizeCommand('# only a comment\n   \n')).toBeNull();
    expect(sanitizeCommand('')).toBeNull();
  });
});
