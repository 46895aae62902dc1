/**
 * The session kept between runs: the queue and where it was, volume and mute, shuffle and repeat, the sort and
 * search of the list, the queue panel and the language. Saved through main (a file in the user's data folder) a
 * second after it changes, and when the page goes; read back at start. What is read is checked field by field:
 * a damaged or older file gives a fresh start, never a crash.
 */
import { SORT_KEYS, type SortKey, type TrackInfo } from '../src-shared/protocol/messages.js';
import type { AppServices } from './components/app-context.js';
import type { Language } from './i18n.js';
import type { SavedPlayer } from './stores/player-store.js';
import { REPEAT_MODES, type RepeatMode } from './stores/queue-order.js';
import { parseView, type View } from './stores/view-store.js';

const VERSION = 1;
/** A longer queue is saved as this many entries around the current one. */
const MAX_SAVED_QUEUE = 5000;
const SAVE_DELAY_MS = 1000;
/** While only the position moves (playing), the session is saved this often: a file write a second would cost more. */
const POSITION_SAVE_DELAY_MS = 10_000;

export interface SavedSession {
  version: number;
  player: SavedPlayer;
  library: { sort: SortKey; order: 'asc' | 'desc'; query: string };
  ui: { queueOpen: boolean; language: Language | 'auto' };
  /** The view shown (absent in files of earlier versions: the track list). */
  view: View;
}

export function snapshotSession(s: Pick<AppServices, 'player' | 'library' | 'ui'> & Partial<Pick<AppServices, 'views'>>): SavedSession {
  const p = s.player.getState();
  const l = s.library.getState();
  const u = s.ui.getState();
  let queue = p.queue;
  let index = p.index;
  if (queue.length > MAX_SAVED_QUEUE) {
    const from = Math.max(0, Math.min(index - MAX_SAVED_QUEUE / 5, queue.length - MAX_SAVED_QUEUE));
    queue = queue.slice(from, from + MAX_SAVED_QUEUE);
    index -= from;
  }
  return {
    version: VERSION,
    player: { queue, index, positionMs: p.positionMs, volume: p.volume, muted: p.muted, shuffle: p.shuffle, repeat: p.repeat },
    library: { sort: l.sort, order: l.order, query: l.query },
    ui: { queueOpen: u.queueOpen, language: u.language },
    view: s.views?.getState().view ?? { kind: 'tracks' },
  };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isTrack = (x: unknown): x is TrackInfo =>
  isObject(x) && typeof x.id === 'string' && typeof x.title === 'string' && typeof x.playable === 'boolean' && typeof x.path === 'string';
const num = (x: unknown, min: number, max: number, fallback: number) => (typeof x === 'number' && x >= min && x <= max ? x : fallback);

/** The saved session, or null when the text is not one (damaged, another version). */
export function parseSession(text: string | null): SavedSession | null {
  if (!text) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(raw) || raw.version !== VERSION || !isObject(raw.player) || !isObject(raw.library) || !isObject(raw.ui)) return null;
  const { player: p, library: l, ui: u } = raw;
  const queue = Array.isArray(p.queue) ? p.queue.filter(isTrack) : [];
  return {
    version: VERSION,
    player: {
      queue,
      index: num(p.index, -1, queue.length - 1, -1),
      positionMs: num(p.positionMs, 0, 2 ** 40, 0),
      volume: num(p.volume, 0, 1, 1),
      muted: p.muted === true,
      shuffle: p.shuffle === true,
      repeat: REPEAT_MODES.includes(p.repeat as RepeatMode) ? (p.repeat as RepeatMode) : 'off',
    },
    library: {
      sort: SORT_KEYS.includes(l.sort as SortKey) ? (l.sort as SortKey) : 'album',
      order: l.order === 'desc' ? 'desc' : 'asc',
      query: typeof l.query === 'string' ? l.query.slice(0, 500) : '',
    },
    ui: {
      queueOpen: u.queueOpen !== false,
      language: u.language === 'en' || u.language === 'zh-CN' ? u.language : 'auto',
    },
    view: parseView(raw.view),
  };
}

/** Reads the saved session and puts it back into the stores. */
export async function restoreSession(s: AppServices): Promise<void> {
  const saved = parseSession(await s.api.loadSession(null).catch(() => null));
  if (!saved) return;
  s.player.getState().restore(saved.player);
  s.library.getState().restoreView(saved.library);
  s.ui.getState().setQueueOpen(saved.ui.queueOpen);
  s.ui.getState().setLanguage(saved.ui.language);
  s.views.getState().open(saved.view);
}

/** Saves the session a second after the stores change (ten while only the position moves), and as the page goes. */
export function keepSession(s: AppServices): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let due = Infinity;
  let last = '';
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    due = Infinity;
    const text = JSON.stringify(snapshotSession(s));
    if (text === last) return;
    last = text;
    void s.api.saveSession({ state: text }).catch(() => {});
  };
  const soon = (delay = SAVE_DELAY_MS) => {
    if (Date.now() + delay >= due) return;
    if (timer) clearTimeout(timer);
    due = Date.now() + delay;
    timer = setTimeout(save, delay);
  };
  s.player.subscribe((now, before) => {
    const moved = now.queue !== before.queue || now.index !== before.index || now.volume !== before.volume || now.muted !== before.muted
      || now.shuffle !== before.shuffle || now.repeat !== before.repeat || now.status !== before.status;
    if (moved) soon();
    else if (now.positionMs !== before.positionMs) soon(POSITION_SAVE_DELAY_MS);
  });
  s.library.subscribe((now, before) => {
    if (now.sort !== before.sort || now.order !== before.order || now.query !== before.query) soon();
  });
  s.ui.subscribe(() => soon());
  s.views.subscribe((now, before) => {
    if (now.view !== before.view) soon();
  });
  window.addEventListener('pagehide', save);
}
