/**
 * What the window shows, apart from the library and the player: the queue panel open or not, the language. A
 * narrow window starts with the queue closed, so the track list keeps its room.
 */
import { createStore } from 'zustand/vanilla';
import { setLanguage, type Language } from '../i18n.js';

/** Below this window width the queue starts closed. */
export const QUEUE_AUTO_OPEN_WIDTH = 1000;

export interface UiStore {
  queueOpen: boolean;
  /** 'auto' follows the system. */
  language: Language | 'auto';
  /** The language 'auto' resolves to. */
  systemLanguage: Language;
  setQueueOpen(open: boolean): void;
  toggleQueue(): void;
  setLanguage(language: Language | 'auto'): void;
}

export function createUiStore(systemLanguage: Language, windowWidth: number) {
  setLanguage(systemLanguage);
  return createStore<UiStore>()((set, get) => ({
    queueOpen: windowWidth >= QUEUE_AUTO_OPEN_WIDTH,
    language: 'auto',
    systemLanguage,
    setQueueOpen(open) {
      set({ queueOpen: open });
    },
    toggleQueue() {
      set({ queueOpen: !get().queueOpen });
    },
    setLanguage(language) {
      setLanguage(language === 'auto' ? get().systemLanguage : language);
      set({ language });
    },
  }));
}
