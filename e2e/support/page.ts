// Page helpers shared by specs. Browser-side code is passed as strings: the
// e2e project is type-checked without DOM types (it runs in Node).
import { expect, type Page, type TestInfo } from '@playwright/test';

/** Text of the pid cell as a number (null for '—'). */
export async function pidOf(page: Page, id: string): Promise<number | null> {
  const t = (await page.getByTestId(`pid-${id}`).textContent())?.trim() ?? '';
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** Waits until the card shows a pid different from `old` and returns it. */
export async function waitNewPid(page: Page, id: string, old: number | null, status = 'ready'): Promise<number> {
  // Status and pid are read together: right after a kill the card can still say `ready` while its pid is already gone.
  let pid: number | null = null;
  await expect
    .poll(async () => {
      pid = await pidOf(page, id);
      const shown = await page.getByTestId(`status-${id}`).textContent();
      return pid !== null && pid !== old && shown === status;
    }, { timeout: 30_000 })
    .toBe(true);
  return pid!;
}

/** Records every status text the badge of `id` shows, from now on (MutationObserver). */
export async function recordStatuses(page: Page, id: string): Promise<void> {
  await page.evaluate(`(() => {
    const seen = (window.__statuses ??= {})[${JSON.stringify(id)}] = [];
    const push = () => {
      const el = document.querySelector('[data-testid="status-${id}"]');
      const s = el && el.textContent;
      if (s && seen[seen.length - 1] !== s) seen.push(s);
    };
    push();
    new MutationObserver(push).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
}

export async function recordedStatuses(page: Page, id: string): Promise<string[]> {
  return (await page.evaluate(`window.__statuses[${JSON.stringify(id)}]`)) as string[];
}

export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const file = info.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await info.attach(name, { path: file, contentType: 'image/png' });
}
