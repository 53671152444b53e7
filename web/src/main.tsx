// The page's entry: takes the access token from the URL `aifabric serve` printed (`?token=`), keeps it in memory
// and removes it from the address bar, then draws the app.
import './zod-jitless.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { setToken } from './api.ts';
import './styles.css';

const params = new URLSearchParams(window.location.search);
const t = params.get('token');
if (t) {
  setToken(t);
  params.delete('token');
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`);
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
