// Splits a `cmd` string into argv the way a POSIX shell would tokenise it,
// without running a shell: quotes, backslash escapes, line continuations and
// comments work; nothing is expanded. `${PORT}` (like any `$…`) stays literal
// so the supervisor can substitute the chosen port later. Operators are
// rejected because no shell will be there to interpret them.

export class CommandSplitError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the string where the problem starts. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'CommandSplitError';
  }
}

const OPERATOR = /^(\|\||\||&&|&|;;|;|>>|>|<<|<|\(|\))/;

export function splitCommand(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const push = () => {
    if (inWord) out.push(cur);
    cur = '';
    inWord = false;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      push();
      i++;
    } else if (c === '#' && !inWord) {
      // Comment to end of line (llama-swap users annotate multi-line cmds).
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '\\') {
      const next = s[i + 1];
      if (next === undefined) throw new CommandSplitError('cmd ends with a lone backslash', i);
      if (next === '\n') {
        i += 2; // line continuation
      } else {
        cur += next;
        inWord = true;
        i += 2;
      }
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new CommandSplitError(`unterminated ' quote in cmd (opened at character ${i + 1})`, i);
      cur += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      inWord = true;
      for (;;) {
        if (j >= s.length) throw new CommandSplitError(`unterminated " quote in cmd (opened at character ${i + 1})`, i);
        const d = s[j]!;
        if (d === '"') break;
        // Inside double quotes a backslash escapes only these, as in sh.
        if (d === '\\' && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1]!)) {
          if (s[j + 1] !== '\n') cur += s[j + 1];
          j += 2;
        } else if (d === '`') {
          throw new CommandSplitError('command substitution (`…`) is not supported: Vigil runs cmd without a shell', j);
        } else {
          cur += d;
          j++;
        }
      }
      i = j + 1;
    } else if (c === '`' || (c === '$' && s[i + 1] === '(')) {
      throw new CommandSplitError(`command substitution (${c === '`' ? '`…`' : '$(…)'}) is not supported: Vigil runs cmd without a shell`, i);
    } else {
      const op = OPERATOR.exec(s.slice(i));
      if (op) {
        throw new CommandSplitError(
          `shell operator '${op[1]}' in cmd is not supported: Vigil runs cmd without a shell (quote it if it is a literal argument, or wrap the pipeline as cmd: [sh, -c, "…"])`,
          i,
        );
      }
      cur += c;
      inWord = true;
      i++;
    }
  }
  push();
  return out;
}
