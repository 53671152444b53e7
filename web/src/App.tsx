// The page's frame: a tab per page (Design, Planner, Simulate, Demo, Runs), chosen by the URL's hash so the back
// button and a bookmark work. Each page is kept mounted once opened, so a form keeps what was typed.
import { useEffect, useState } from 'react';
import { hasToken } from './api.ts';
import { DemoPage } from './pages/Demo.tsx';
import { DesignPage } from './pages/Design.tsx';
import { PlannerPage } from './pages/Planner.tsx';
import { RunsPage } from './pages/Runs.tsx';
import { SimulatePage } from './pages/Simulate.tsx';

const PAGES = [
  { id: 'design', title: 'Design', Page: DesignPage },
  { id: 'planner', title: 'Planner', Page: PlannerPage },
  { id: 'simulate', title: 'Simulate', Page: SimulatePage },
  { id: 'demo', title: 'Demo', Page: DemoPage },
  { id: 'runs', title: 'Runs', Page: RunsPage },
] as const;

type PageId = (typeof PAGES)[number]['id'];

const fromHash = (): PageId => {
  const h = window.location.hash.replace(/^#\/?/, '');
  return PAGES.find((p) => p.id === h)?.id ?? 'design';
};

export function App() {
  const [page, setPage] = useState<PageId>(fromHash);
  const [opened, setOpened] = useState<Set<PageId>>(() => new Set([fromHash()]));
  useEffect(() => {
    const on = () => setPage(fromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  useEffect(() => setOpened((s) => (s.has(page) ? s : new Set([...s, page]))), [page]);
  if (!hasToken())
    return (
      <main>
        <h1>aifabric</h1>
        <p role="alert">
          No access token: open the URL that <code>aifabric serve</code> printed (it ends in <code>?token=...</code>).
        </p>
      </main>
    );
  return (
    <>
      <header>
        <span className="brand">aifabric</span>
        <nav aria-label="pages">
          {PAGES.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p.id === page ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {PAGES.filter((p) => opened.has(p.id)).map(({ id, Page }) => (
          <div key={id} hidden={id !== page}>
            <Page />
          </div>
        ))}
      </main>
    </>
  );
}
