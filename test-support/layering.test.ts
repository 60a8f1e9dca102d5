// The layering of DESIGN.md is enforced by lint; this proves each rule bites
// by linting small violating sources at the paths they would live at.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint', () => {
  it('forbids electron in electron/core and native-bindings', async () => {
    expect(await restrictedImports('electron/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImports('native-bindings/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
  });

  it('allows koffi only in native-bindings', async () => {
    const code = "import koffi from 'koffi';\nexport const k = koffi;\n";
    expect(await restrictedImports('native-bindings/x.ts', code)).toHaveLength(0);
    expect(await restrictedImports('electron/core/x.ts', code)).toHaveLength(1);
    expect(await restrictedImports('electron/serve/x.ts', code)).toHaveLength(1);
    expect(await restrictedImports('renderer/x.ts', code)).toHaveLength(1);
  });

  it('forbids Node builtins and lower layers in the renderer and in electron/common', async () => {
    for (const file of ['renderer/x.tsx', 'electron/common/x.ts']) {
      expect(await restrictedImports(file, "import fs from 'node:fs';\nexport const f = fs;\n")).toHaveLength(1);
      expect(await restrictedImports(file, "import path from 'path';\nexport const p = path;\n")).toHaveLength(1);
    }
    expect(await restrictedImports('renderer/x.ts', "import { isRunning } from '../native-bindings/process.js';\nexport const r = isRunning;\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/x.ts', "import { createVigil } from '../electron/core/vigil.js';\nexport const c = createVigil;\n")).toHaveLength(1);
  });

  it('lets the renderer import the shared contract', async () => {
    expect(await restrictedImports('renderer/x.ts', "import { CHANNELS } from '../electron/common/api.js';\nexport const c = CHANNELS;\n")).toHaveLength(0);
  });

  it('keeps electron/core free of host code', async () => {
    expect(await restrictedImports('electron/core/x.ts', "import { startServer } from '../serve/server.js';\nexport const s = startServer;\n")).toHaveLength(1);
  });
});
