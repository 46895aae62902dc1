/**
 * The renderer's entry: builds the services (desktop client, audio engine, stores), wires the events of the
 * main process and of the engine into the stores, and renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AudioEngine } from './audio/audio-engine.js';
import { AppContext, type AppServices } from './components/app-context.js';
import { App } from './components/App.js';
import { desktopClient, installedApi, openAudioPort } from './desktop-client.js';
import { pickLanguage } from './i18n.js';
import { bindMediaSession } from './media-session.js';
import { keepSession, restoreSession } from './session.js';
import { createConnectionStore } from './stores/connection-store.js';
import { createLibraryStore } from './stores/library-store.js';
import { createPlayerStore, type PlayerStore } from './stores/player-store.js';
import { createUiStore } from './stores/ui-store.js';
import { createBrowseLists } from './stores/browse-lists.js';
import { createViewStore } from './stores/view-store.js';
import { createLibraryIndex } from './stores/id-index.js';
import { createUserDataStore } from './stores/userdata-store.js';
import './styles.css';

const raw = installedApi();
const root = createRoot(document.getElementById('root')!);
if (!raw) {
  root.render(<p className="fatal">This page runs inside ATP Player.</p>);
} else {
  const api = desktopClient(raw);
  let playerState: () => PlayerStore = () => {
    throw new Error('player store not ready');
  };
  const engine = new AudioEngine({
    status: (s) => playerState().onEngineStatus(s),
    trackStarted: (id) => playerState().onTrackStarted(id),
    drained: (id) => playerState().onDrained(id),
  });
  const connection = createConnectionStore(api);
  const services: AppServices = {
    api,
    engine,
    connection,
    library: createLibraryStore(api),
    player: createPlayerStore(api, engine, { isConnected: () => connection.getState().connection.status === 'connected' }),
    ui: createUiStore(pickLanguage(navigator.languages), window.innerWidth),
    views: createViewStore(),
    browse: createBrowseLists(api),
    userData: createUserDataStore(api),
    index: createLibraryIndex(api),
  };
  playerState = services.player.getState;
  api.onEvent((e) => {
    services.connection.getState().handleEvent(e);
    services.player.getState().handleEvent(e);
  });
  bindMediaSession(services.player);
  // The tests and the bench reach the engine and stores here; nothing in the app reads it.
  (window as unknown as { atpApp: AppServices }).atpApp = services;
  void openAudioPort(api).then((port) => engine.attachPort(port));
  // The saved queue, sort and view are back before the first list is asked for.
  void restoreSession(services).finally(() => {
    keepSession(services);
    void services.connection.getState().init();
  });
  root.render(
    <StrictMode>
      <AppContext.Provider value={services}>
        <App />
      </AppContext.Provider>
    </StrictMode>,
  );
}
