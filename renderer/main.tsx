// Entry: pick window.vigil (preload or WebSocket bridge), feed the store, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installVigilApi } from './bridge/install.js';
import { App } from './components/App.js';
import { connectStore, startClock } from './store/store.js';
import './styles.css';

connectStore(installVigilApi());
startClock();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
