// llama-swap's rules for turning a `cmd`/`cmdStop` string into argv, kept
// exactly as llama-swap applies them so an imported backend starts the same
// process: whole `#` comment lines are dropped, a line ending in a backslash
// is joined, and the text is split by the POSIX dialect of golib's shlex.
// That splitter differs from a shell (and from Vigil's own `splitCommand`):
// an inline `# …` is an argument, operators such as `|` or `>` are plain
// characters, `$` is never special, and an unclosed quote ends the text
// instead of failing. Matching it bit for bit is the point, so the few
// lines of the splitter are ported here rather than taken from a shell-like
// library that would differ at those edges.

// Go's unicode.IsSpace set (JS's \s differs: it has U+FEFF and lacks U+0085).
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');
/** Go's strings.TrimSpace. */
const goTrim = (s: string) => s.replace(GO_TRIM, '');

/** llama-swap's StripComments: drops lines whose first non-blank character is `#`. */
export function stripCommentLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !goTrim(line).startsWith('#'))
    .join('\n');
}

/** llama-swap's SanitizeCommand: comment lines out, `\`-ended lines joined, then split. Empty → null. */
export function sanitizeCommand(text: string): string[] | null {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = goTrim(line);
    if (trimmed.startsWith('#')) continue;
    lines.push(trimmed.endsWith('\\') ? `${trimmed.slice(0, -1)} ` : line);
  }
  const args = shlexPosixSplit(lines.join('\n'));
  return args.length ? args : null;
}

const EMPTY = -2; // no next character
const NO_ESCAPE = -1;
const SPACE = ' ';
const WORD = 'A';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n';
const isQuote = (c: string) => c === '"' || c === "'";

/** What a backslash followed by `next` yields in `state`: a character, EMPTY (both dropped) or NO_ESCAPE. */
function escape(state: string, c: string, next: string | typeof EMPTY): string | typeof EMPTY | typeof NO_ESCAPE {
  if (c !== '\\') return NO_ESCAPE;
  if (state === SPACE || state === WORD) return next === '\n' || next === EMPTY ? EMPTY : next;
  if (state === '"') {
    if (next === '\n' || next === EMPTY) return EMPTY;
    return next === '$' || next === '`' || next === '"' || next === '\\' ? next : NO_ESCAPE;
  }
  return NO_ESCAPE;
}

/** golib shlex.Posix.Split, step for step (a state stack of space/word/quote). */
export function shlexPosixSplit(line: string): string[] {
  const chars = Array.from(line); // code points, as Go decodes runes
  const tokens: string[] = [];
  let token: string | null = null;
  const state: string[] = [SPACE];
  let i = 0;
  while (i < chars.length) {
    let c = chars[i]!;
    const s = state[state.length - 1]!;
    const e = escape(s, c, i + 1 < chars.length ? chars[i + 1]! : EMPTY);
    if (e !== NO_ESCAPE) {
      i += i + 1 < chars.length ? 2 : 1;
      if (e === EMPTY) continue;
      c = e;
    } else i++;
    const escaped = e !== NO_ESCAPE;
    if (s === SPACE) {
      if (escaped) {
        state.push(WORD);
        token = (token ?? '') + c;
      } else if (isQuote(c)) {
        state.push(WORD, c);
        token = '';
      } else if (!isSpace(c)) {
        state.push(WORD);
        token = (token ?? '') + c;
      }
    } else if (s === WORD) {
      if (escaped) token = (token ?? '') + c;
      else if (isQuote(c)) state.push(c);
      else if (isSpace(c)) {
        state.pop();
        tokens.push(token ?? '');
        token = null;
      } else token = (token ?? '') + c;
    } else if (escaped) token = (token ?? '') + c;
    else if (c === s) state.pop();
    else token = (token ?? '') + c;
  }
  if (token !== null) tokens.push(token);
  return tokens;
}
