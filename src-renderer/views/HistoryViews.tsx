/**
 * Recently played (LIST by `played`), most played (by `plays`) and recently added (by `added`), each from the top,
 * a page at a time.
 */
import { useEffect, useState } from 'react';
import type { TrackInfo } from '../../src-shared/protocol/messages.js';
import { t, tn } from '../i18n.js';
import { useApp } from '../components/app-context.js';
import { Status } from './GroupPages.js';
import { TrackTable } from './TrackTable.js';
import { useLoad } from './use-load.js';

/** Rows the server sends at a time; "Load more" asks for the next page. */
export const HISTORY_PAGE = 50;

type PageOf = (offset: number) => Promise<{ tracks: TrackInfo[]; total: number }>;

function PagedTracks({ label, testId, empty, pageOf }: { label: string; testId: string; empty: string; pageOf: PageOf }) {
  const [pages, setPages] = useState(1);
  const [rows, setRows] = useState<TrackInfo[]>([]);
  const [total, setTotal] = useState(0);
  const [loaded, retry] = useLoad(`${testId}:${pages}`, () => pageOf((pages - 1) * HISTORY_PAGE));
  useEffect(() => {
    if (loaded.state !== 'done') return;
    setTotal(loaded.value.total);
    setRows((r) => [...r.slice(0, (pages - 1) * HISTORY_PAGE), ...loaded.value.tracks]);
  }, [loaded, pages]);
  return (
    <section className="library browse-view page" aria-label={label} data-testid={testId}>
      <header className="page-head">
        <div className="page-head-text">
          <h2 className="page-title">{label}</h2>
          <p className="page-facts">{tn('tracks', total)}</p>
        </div>
      </header>
      <Status loaded={loaded} retry={retry} />
      {loaded.state === 'done' && total === 0 && <p className="empty" data-testid="empty-history">{empty}</p>}
      <div className="page-body">
        {rows.length > 0 && <TrackTable tracks={rows} label={label} testId={`${testId}-tracks`} />}
        {rows.length < total && loaded.state === 'done' && (
          <button type="button" className="load-more" data-testid="load-more" onClick={() => setPages((p) => p + 1)}>{t('loadMore')}</button>
        )}
      </div>
    </section>
  );
}

/** The account's played tracks the library holds, last played first: the server pages them, whole rows at once. */
export function RecentlyPlayedView() {
  const { api } = useApp();
  return (
    <PagedTracks label={t('view.recent')} testId="recent-view" empty={t('noHistory')} pageOf={async (offset) => {
      const reply = await api.list({ sort: 'played', order: 'desc', offset, limit: HISTORY_PAGE });
      return { tracks: reply.tracks, total: reply.total };
    }} />
  );
}

/** The account's played tracks the library holds, most plays first (ties: the last played first). */
export function MostPlayedView() {
  const { api } = useApp();
  return (
    <PagedTracks label={t('view.most')} testId="most-view" empty={t('noHistory')} pageOf={async (offset) => {
      const reply = await api.list({ sort: 'plays', order: 'desc', offset, limit: HISTORY_PAGE });
      return { tracks: reply.tracks, total: reply.total };
    }} />
  );
}

export function RecentlyAddedView() {
  const { api } = useApp();
  return (
    <PagedTracks label={t('view.added')} testId="added-view" empty={t('emptyLibrary')} pageOf={async (offset) => {
      const reply = await api.list({ sort: 'added', order: 'desc', offset, limit: HISTORY_PAGE });
      return { tracks: reply.tracks, total: reply.total };
    }} />
  );
}
