/**
 * Checks the UI tests run inside the page: overlapping boxes, and axe-core's accessibility rules. Both run as
 * functions passed to page.evaluate (the page's CSP forbids eval; DevTools evaluation is not subject to it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright';

export interface Overlap {
  a: string;
  b: string;
  /** Width and height of the intersection, px. */
  w: number;
  h: number;
}

/**
 * Every pair of visible boxes that overlap by more than a pixel each way: the text of each leaf element with text
 * (the text's own extent, clipped by every ancestor that clips), and each button, input and select. A box inside
 * another (a button's label in the button) is not an overlap.
 */
export async function findOverlaps(page: Page): Promise<Overlap[]> {
  await definePageHelpers(page);
  return page.evaluate(() => {
    type Box = { el: Element; r: { l: number; t: number; r: number; b: number }; name: string };
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    function clip(el: Element, r: Box['r']): Box['r'] | null {
      let out = { ...r, l: Math.max(r.l, 0), t: Math.max(r.t, 0), r: Math.min(r.r, vw), b: Math.min(r.b, vh) };
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return null;
        if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
          const c = e.getBoundingClientRect();
          out = { l: Math.max(out.l, c.left), t: Math.max(out.t, c.top), r: Math.min(out.r, c.right), b: Math.min(out.b, c.bottom) };
        }
      }
      return out.r - out.l > 1 && out.b - out.t > 1 ? out : null;
    }
    const describe = (el: Element) => {
      const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${text}"`;
    };
    const boxes: Box[] = [];
    // An open context menu lies over the page by design: what it covers is hidden, not overlapped.
    const menus = [...document.querySelectorAll('[role="menu"]')].map((m) => ({ el: m, r: m.getBoundingClientRect() }));
    const underMenu = (el: Element, r: Box['r']) => menus.some((m) => !m.el.contains(el) && r.l < m.r.right && r.r > m.r.left && r.t < m.r.bottom && r.b > m.r.top);
    for (const el of document.querySelectorAll('body *')) {
      if (el.matches('button, input, select')) {
        const c = el.getBoundingClientRect();
        const r = clip(el.parentElement ?? el, { l: c.left, t: c.top, r: c.right, b: c.bottom });
        if (r && !underMenu(el, r)) boxes.push({ el, r, name: describe(el) });
        continue;
      }
      if (el.closest('button, select, svg')) continue;
      for (const node of el.childNodes) {
        if (node.nodeType !== Node.TEXT_NODE || !node.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const c = range.getBoundingClientRect();
        const r = clip(el, { l: c.left, t: c.top, r: c.right, b: c.bottom });
        if (r && !underMenu(el, r)) boxes.push({ el, r, name: describe(el) });
      }
    }
    const found: { a: string; b: string; w: number; h: number }[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const w = Math.min(a.r.r, b.r.r) - Math.max(a.r.l, b.r.l);
        const h = Math.min(a.r.b, b.r.b) - Math.max(a.r.t, b.r.t);
        if (w > 1 && h > 1) found.push({ a: a.name, b: b.name, w: Math.round(w), h: Math.round(h) });
      }
    }
    return found;
  });
}

/** tsx compiles named functions inside page functions to calls of its `__name` helper, which the page lacks. */
export async function definePageHelpers(page: Page): Promise<void> {
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)');
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n: any) => String(n.target)) }));
  });
}
