// The page's frame: a tab per page (Design, Planner, Simulate, Demo, Runs), chosen by the URL's hash so the back
// button and a bookmark work. Each page is kept mounted once opened, so a form keeps what was typed.
import { lazy, Suspense, useEffect, useState } from 'react';
import { hasToken } from './api.ts';
import { DesignPage } from './pages/Design.tsx';

// The Design page is in the first bundle; the others load when first opened (their own files): they bring
// vega, vega-lite and the report's chart code, about two thirds of the whole, which the first render does not need.
const PlannerPage = lazy(() => import('./pages/Planner.tsx').then((m) => ({ default: m.PlannerPage })));
const SimulatePage = lazy(() => import('./pages/Simulate.tsx').then((m) => ({ default: m.SimulatePage })));
const DemoPage = lazy(() => import('./pages/Demo.tsx').then((m) => ({ default: m.DemoPage })));
const RunsPage = lazy(() => import('./pages/Runs.tsx').then((m) => ({ default: m.RunsPage })));

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
            <Suspense fallback={<p className="status">loading the page...</p>}>
              <Page />
            </Suspense>
          </div>
        ))}
      </main>
    </>
  );
}
