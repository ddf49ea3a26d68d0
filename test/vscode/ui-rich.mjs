// UI test of rich output: the fixture notebook run with the VM System kernel
// (outputs rendered by VS Code's notebook renderers), and display() bundles
// in the REPL panel (sanitised HTML, Markdown, a table, an image).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './harness.mjs';
import { runSteps, Workbench } from './ui.mjs';

const T = 20000;
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAIUlEQVR4nGP4cMAAK7KZ8AArYhjVQBMNuCRwGTSqgSYaAGnJxhAeKIZPAAAAAElFTkSuQmCC';

export async function runRichUiTest({ page, url, shots, failures, record }) {
  mkdirSync(shots, { recursive: true });
  mkdirSync(failures, { recursive: true });
  const ui = new Workbench(page);
  // Two webviews here: the notebook's outputs (no extension) and our REPL panel.
  ui.repl = () => page.frameLocator('iframe.webview.ready[src*="extensionId=vm-system.vm-system"]').frameLocator('#active-frame');
  // The notebook's outputs live in a webview of their own (the only one until the REPL opens).
  const outputs = () => page.frameLocator('.notebookOverlay iframe.webview.ready').frameLocator('#active-frame');
  const steps = [
    ['notebook: the JavaScript .ipynb opens with the VM System kernel; Run All renders text, HTML, an image, a table and the error', async () => {
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      await ui.openFile('cells.ipynb');
      const notebook = page.locator('.notebookOverlay:visible');
      // Preferred affinity: the kernel is chosen without a picker; the toolbar names it.
      await notebook.getByText('VM System', { exact: true }).first().waitFor({ timeout: T });
      await notebook.getByText('Run All', { exact: true }).first().click();
      const out = outputs();
      await out.getByText('hello from a cell').first().waitFor({ timeout: T });
      await out.locator('b.shout', { hasText: 'bold' }).first().waitFor({ timeout: T });
      await out.locator('img').first().waitFor({ timeout: T });
      await ui.shot(path.join(shots, 'notebook-run-all.png'));
      // Outputs below the fold are rendered once scrolled to: the toolbar's Go To reveals the failed cell.
      // Clicked again until it has: a click while the toolbar re-renders is lost (seen in CI).
      const table = out.locator('table td', { hasText: 'grace' }).first();
      await waitFor('Go To to reveal the table and the failed cell', async () => {
        await notebook.getByText('Go To', { exact: true }).first().click({ timeout: 2000 });
        return table.waitFor({ timeout: 2000 }).then(() => true);
      }, T, 0);
      await out.getByText('boom').first().waitFor({ timeout: T });
      await out.getByText(/Cell \[6\], line 2/).first().waitFor({ timeout: T });
      await ui.shot(path.join(shots, 'notebook-error.png'));
    }],
    ['REPL: display() renders sanitised HTML (no script runs), Markdown, a table and an image', async () => {
      await ui.command('VM System: Open REPL');
      const repl = ui.repl();
      await repl.locator('#input').waitFor({ timeout: T });
      await ui.replRun(`display.html('<h3>Report</h3><p>An <b>HTML</b> paragraph</p><script>document.body.dataset.pwned = "script"</script><img src="x" onerror="document.body.dataset.pwned = 1">'); display.markdown('**Markdown**, with \`code\` and a [link](https://example.com)'); display.table([{ name: 'ada', year: 1815 }, { name: 'grace', year: 1906 }]); display.png('${PNG}')`);
      await repl.locator('.display.html h3', { hasText: 'Report' }).first().waitFor({ timeout: T });
      await repl.locator('.display.html strong', { hasText: 'Markdown' }).first().waitFor({ timeout: T });
      await repl.locator('.display.html table td', { hasText: 'grace' }).first().waitFor({ timeout: T });
      await repl.locator('.display.image img').first().waitFor({ timeout: T });
      const unsafe = await repl.locator('body').evaluate((b) => ({
        scripts: b.querySelectorAll('#log script').length,
        handlers: [...b.querySelectorAll('#log *')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
        pwned: b.dataset.pwned ?? null,
        brokenImages: [...b.querySelectorAll('#log img')].filter((i) => !i.getAttribute('src')?.startsWith('data:')).length,
      }));
      if (unsafe.scripts || unsafe.handlers || unsafe.pwned !== null) throw new Error(`unsafe markup got through: ${JSON.stringify(unsafe)}`);
      await waitFor('the PNG to load', () => repl.locator('.display.image img').first().evaluate((i) => i.complete && i.naturalWidth === 16), T);
      await ui.shot(path.join(shots, 'repl-rich.png'));
    }],
  ];
  await runSteps(steps, { page, failures, record });
}
