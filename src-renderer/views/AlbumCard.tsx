import type { AlbumInfo } from '../../src-shared/protocol/messages.js';
import { t } from '../i18n.js';
import { CoverArt } from '../components/CoverArt.js';
import { useApp } from '../components/app-context.js';
import { albumCoverTrack } from './page-loaders.js';

export const CARD_WIDTH = 168;
export const COVER_SIZE = 148;
export const CARD_HEIGHT = 214;

/** An album in a grid: its cover, title and artist; it opens the album's page. */
export function AlbumCard({ album, tabbable, onFocus }: { album: AlbumInfo; tabbable: boolean; onFocus?: () => void }) {
  const { views } = useApp();
  const artist = album.artist ?? t('unknownArtist');
  return (
    <button
      type="button"
      className="link album-card"
      data-album-id={album.id}
      tabIndex={tabbable ? 0 : -1}
      onFocus={onFocus}
      onClick={() => views.getState().open({ kind: 'album', id: album.id, name: album.title })}
    >
      <CoverArt track={albumCoverTrack(album)} size={COVER_SIZE} />
      <span className="album-card-title" title={album.title}>{album.title}</span>
      <span className="album-card-artist" title={artist}>{artist}{album.year ? ` · ${album.year}` : ''}</span>
    </button>
  );
}

/** Arrow keys across a grid of `columns`: the index the focus moves to, or null. */
export function gridKey(key: string, index: number, count: number, columns: number, rowsPerPage: number): number | null {
  if (count === 0) return null;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowRight': return clamp(index + 1);
    case 'ArrowLeft': return clamp(index - 1);
    case 'ArrowDown': return clamp(index + columns);
    case 'ArrowUp': return clamp(index - columns);
    case 'PageDown': return clamp(index + columns * rowsPerPage);
    case 'PageUp': return clamp(index - columns * rowsPerPage);
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return null;
  }
}
