// The UI test: what a user does and sees in the workbench, step by step.
// Every wait is for a condition (selector, text) with a deadline; each step
// that shows something worth documenting saves a screenshot to docs/images/.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { log, waitFor } from './harness.mjs';

const T = 20000;

export async function runUiTest({ page, url, workspace, dbPath, shots, failures, record }) {
  mkdirSync(shots, { recursive: true });
  mkdirSync(failures, { recursive: true });
  const ui = new Workbench(page);
  const steps = [
    ['workbench loads with the extension', async () => {
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      await page.locator('.statusbar').waitFor({ timeout: T });
      await ui.openFile('hello.js');
      await ui.statusItem('VM: no session · default');
    }],
    ['Run File from the command palette shows the output in the "VM System" channel', async () => {
      await ui.command('VM System: Run File');
      await ui.outputContains('hello from vm-system');
      await ui.outputContains('⇒ 42');
      await ui.outputChannelIs('VM System');
      await ui.statusItem('VM: ready · default');
      await ui.shot(path.join(shots, 'run-file-output.png'));
    }],
    ['a throwing file gets a diagnostic (squiggle, Problems)', async () => {
      await ui.openFile('throws.js');
      await ui.command('VM System: Run File');
      await page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: T });
      await ui.command('View: Focus Problems (Errors, Warnings, Infos)', 'Focus Problems');
      await page.locator('.markers-panel').getByText('Error: boom at line 3').first().waitFor({ timeout: T });
      await ui.shot(path.join(shots, 'diagnostic.png'));
    }],
    ['the REPL panel evaluates 6 * 7 to 42', async () => {
      await ui.command('VM System: Open REPL');
      const repl = ui.repl();
      await repl.locator('#input').waitFor({ timeout: T });
      await ui.hidePanel();
      await ui.replRun('6 * 7');
      await repl.locator('.value', { hasText: '42' }).first().waitFor({ timeout: T });
      await ui.shot(path.join(shots, 'repl-42.png'));
    }],
    ['REPL: the eager preview shows the value while typing, nothing for a side effect, and changes nothing', async () => {
      const repl = ui.repl();
      const input = repl.locator('#input');
      await ui.replRun('var counter = 1');
      await input.click();
      await input.pressSequentially('counter * 42');
      await repl.locator('#preview', { hasText: '42' }).waitFor({ timeout: T });
      await input.fill('');
      await input.pressSequentially('counter++');
      await waitFor('the preview to stay empty for a side effect', async () => (await repl.locator('#preview').textContent()) === '', T);
      await new Promise((r) => setTimeout(r, 400)); // a late answer would show by now
      if ((await repl.locator('#preview').textContent()) !== '') throw new Error('a preview shown for counter++');
      await input.fill('');
      await ui.replRun('counter');
      await waitFor('counter to be still 1', async () => ((await repl.locator('.value').last().textContent()) ?? '').trim() === '1', T);
    }],
    ['REPL: value trees expand, console lines stream coloured by level', async () => {
      const repl = ui.repl();
      await ui.replRun('({ answer: 42, list: [1, 2, 3], nested: { ok: true } })');
      const tree = repl.locator('.value', { hasText: 'answer' }).last().locator('details').first();
      await tree.locator('summary').first().click();
      await tree.locator('.kids .key', { hasText: 'nested' }).waitFor({ timeout: T });
      await ui.replRun("console.warn('careful'); console.log('streamed')");
      await repl.locator('.line.warn', { hasText: 'careful' }).first().waitFor({ timeout: T });
      await ui.shot(path.join(shots, 'repl-tree.png'));
    }],
    ['REPL: Tab completion, Up history, prompt() through an input box', async () => {
      const repl = ui.repl();
      const input = repl.locator('#input');
      await input.click();
      await page.keyboard.type('Math.flo');
      await page.keyboard.press('Tab');
      await waitFor('completion of Math.flo', async () => (await input.inputValue()) === 'Math.floor', T);
      await input.fill('');
      await page.keyboard.press('ArrowUp');
      await waitFor('history recall', async () => (await input.inputValue()).includes("console.warn('careful')"), T);
      await input.fill('');
      await ui.replRun("prompt('Your name?')", false);
      const box = page.locator('.quick-input-widget');
      await box.getByText('Your name?').waitFor({ timeout: T });
      await page.keyboard.type('Ada');
      await page.keyboard.press('Enter');
      await repl.locator('.value', { hasText: 'Ada' }).first().waitFor({ timeout: T });
    }],
    ['REPL: a stack frame link opens the file at the line', async () => {
      const repl = ui.repl();
      const link = repl.locator('.exception .frame a', { hasText: 'throws.js:3' }).first();
      await link.waitFor({ timeout: T });
      await link.click();
      await page.locator('.tabs-container .tab.active', { hasText: 'throws.js' }).waitFor({ timeout: T });
      await page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: T });
      await waitFor('the cursor on line 3', async () => /Ln 3, Col 9/.test(await page.locator('.statusbar').innerText()), T);
    }],
    ['Stop: the status bar button cancels a running file; the REPL shows it busy meanwhile', async () => {
      await ui.openFile('loop.js');
      await ui.command('VM System: Run File');
      await ui.statusItem('VM: running · default');
      await ui.repl().locator('body.busy').waitFor({ timeout: T });
      await ui.shot(path.join(shots, 'running-stop.png'));
      await page.locator('.statusbar-item', { hasText: 'Stop' }).first().click();
      await ui.outputContains('■ cancelled');
      await ui.statusItem('VM: ready · default');
    }],
    ['Toggle Watch re-runs the file after a save', async () => {
      await ui.openFile('watched.js');
      await ui.command('VM System: Toggle Watch');
      await ui.statusItem('watching watched.js');
      await ui.outputContains('factor is 2');
      await ui.outputContains('⇒ 42');
      // Edit like a user: go to the "2" on line 2, change it to 3, save.
      await ui.focusEditor();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('3');
      await page.keyboard.press('Control+S');
      await ui.outputContains('factor is 3');
      await ui.outputContains('⇒ 63');
      await ui.shot(path.join(shots, 'watch-rerun.png'));
    }],
    ['clicking `watching FILE` in the status bar stops the watch', async () => {
      await page.locator('.statusbar-item', { hasText: 'watching watched.js' }).first().click();
      await page.locator('.statusbar-item', { hasText: 'watching watched.js' }).first().waitFor({ state: 'hidden', timeout: T });
    }],
    ['Toggle Live Mode: typed, unsaved `const a = 6 * 7 //?` shows 42 at its line; coverage in the gutter', async () => {
      await ui.openFile('live.js');
      await ui.command('VM System: Toggle Live Mode');
      await ui.statusItem('Live');
      await ui.focusEditor();
      await page.keyboard.press('Control+End');
      // No braces: the editor would close them itself.
      await page.keyboard.type('const a = 6 * 7 //?\nif (a > 100)\nconsole.log("big")\n');
      // Inline results are CSS ::after content: read them from the computed styles.
      await waitFor('42 after the typed line', async () => (await ui.inlineTexts()).some((t) => t === '42'), T);
      // Gutter icons: two kinds (ran, did not run) on the three code lines.
      await waitFor('gutter marks of lines that ran and did not', async () => {
        const kinds = await page.locator('.editor-instance .cgmr').evaluateAll((els) => els.map((e) => e.className));
        return kinds.length >= 3 && new Set(kinds).size >= 2;
      }, T);
      await page.waitForTimeout(500); // the gutter icons are images: let them decode before the screenshot
      await ui.shot(path.join(shots, 'live-mode.png'));
      await ui.command('VM System: Toggle Live Mode');
      await ui.command('File: Revert File', 'Revert File');
    }],
    ['when the daemon dies it restarts and the session comes back after "Restore"', async () => {
      await ui.replRun('var survivor = 7');
      await ui.repl().locator('.foot', { hasText: 'ok' }).last().waitFor({ timeout: T });
      const pid = daemonPid(dbPath);
      if (!pid) throw new Error('no daemon process found for the test database');
      process.kill(pid, 'SIGKILL');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'daemon stopped and was restarted' });
      await toast.waitFor({ timeout: 30000 });
      await ui.shot(path.join(shots, 'daemon-restarted.png'));
      await toast.getByRole('button', { name: 'Restore' }).click();
      // The replay re-runs the history, prompt('Your name?') included: it asks again.
      await page.locator('.quick-input-widget').getByText('Your name?').waitFor({ timeout: T });
      await ui.shot(path.join(failures, '..', 'restore-replay-prompt.png'));
      await page.keyboard.type('Ada');
      await page.keyboard.press('Enter');
      await ui.statusItem('VM: ready · default');
      await ui.replRun('survivor * 6');
      await ui.repl().locator('.value', { hasText: '42' }).last().waitFor({ timeout: T });
      if (daemonPid(dbPath) === pid) throw new Error('the daemon pid did not change');
    }],
  ];
  await runSteps(steps, { page, failures, record });
  void workspace;
}

/** Runs the steps in order, recording each; the first failure is recorded with a screenshot and ends the run (later steps build on it). */
export async function runSteps(steps, { page, failures, record }) {
  for (const [name, fn] of steps) {
    const t = Date.now();
    try {
      await fn();
      record(`ui: ${name}`, true, Date.now() - t);
    } catch (err) {
      const file = path.join(failures, `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
      await page.screenshot({ path: file }).catch(() => undefined);
      record(`ui: ${name}`, false, Date.now() - t, `${err?.stack ?? err}\nscreenshot: ${file}`);
      return;
    }
  }
}

/** Without a suitable `node` the user gets one clear message with a Configure action. */
export async function runNoNodeTest({ page, url, shots, failures, record }) {
  const ui = new Workbench(page);
  const t = Date.now();
  const name = 'ui: no suitable node → a message with "Configure" that opens the setting';
  try {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await ui.openFile('hello.js');
    await ui.command('VM System: Run File');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'needs Node.js' });
    await toast.getByRole('button', { name: 'Configure' }).waitFor({ timeout: T });
    await ui.shot(path.join(shots, 'no-node.png'));
    await toast.getByRole('button', { name: 'Configure' }).click();
    await page.locator('.settings-editor').waitFor({ timeout: T });
    await page.locator('.settings-editor .setting-item-contents', { hasText: 'Node Path' }).first().waitFor({ timeout: T });
    await ui.shot(path.join(failures, '..', 'no-node-configure.png'));
    record(name, true, Date.now() - t);
  } catch (err) {
    const file = path.join(failures, 'no-node.png');
    await page.screenshot({ path: file }).catch(() => undefined);
    record(name, false, Date.now() - t, `${err?.stack ?? err}\nscreenshot: ${file}`);
  }
}

/** The daemon this test started: the process whose command line names the test database. */
function daemonPid(dbPath) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('serve') && argv.includes(dbPath)) return Number(entry);
    } catch { /* gone */ }
  }
  return undefined;
}

export class Workbench {
  constructor(page) { this.page = page; }

  /** F1 and a query; retried when the quick input closes under us (focus moving to a just-opened editor). */
  async quickInput(query) {
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 1; ; attempt++) {
      try {
        await this.page.keyboard.press('F1');
        await input.waitFor({ timeout: 5000 });
        await input.fill(query, { timeout: 3000 });
        return;
      } catch (err) {
        if (attempt >= 4) throw err;
        await this.page.keyboard.press('Escape');
      }
    }
  }

  async command(title, alias) {
    const { page } = this;
    await this.quickInput(`>${alias ?? title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: T });
    await row.click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
  }

  async openFile(name) {
    const { page } = this;
    await this.quickInput(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: T });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: T });
  }

  async focusEditor() {
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  }

  async hidePanel() {
    if (await this.page.locator('.part.panel').isVisible()) await this.command('View: Hide Panel');
    await this.page.locator('.part.panel').waitFor({ state: 'hidden', timeout: T });
  }

  /** Texts of the editor's after-line decorations (rendered as CSS ::after content). */
  async inlineTexts() {
    return this.page.locator('.editor-instance .view-lines').first().evaluate((root) => [...root.querySelectorAll('span')]
      .map((el) => getComputedStyle(el, '::after').content)
      .filter((c) => c && c !== 'none' && c !== 'normal')
      .map((c) => c.replace(/^"|"$/g, '')));
  }

  async statusItem(text) {
    await this.page.locator('.statusbar-item', { hasText: text }).first().waitFor({ timeout: T });
  }

  output() {
    return this.page.locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]').first();
  }

  async outputContains(text) {
    await this.output().locator('.view-lines').getByText(text).first().waitFor({ timeout: T });
  }

  async outputChannelIs(name) {
    await waitFor(`the output channel "${name}"`, async () => {
      const selected = await this.page.locator('.part.panel .monaco-select-box').evaluateAll((els) => els.map((e) => e.value ?? e.textContent));
      return selected.some((v) => String(v).includes(name));
    }, T);
  }

  repl() {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  async replRun(code, waitDone = true) {
    const input = this.repl().locator('#input');
    await input.click();
    await input.fill(code);
    await input.press('Enter');
    if (waitDone) await waitFor('the REPL input to clear', async () => (await input.inputValue()) === '', T);
  }

  async shot(file) {
    await this.page.screenshot({ path: file, animations: 'disabled' });
    log(`screenshot ${path.relative(process.cwd(), file)}`);
  }
}
