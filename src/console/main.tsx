import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { NotFound } from './components/bits.js';
import { startHeight } from './height.js';
import { startLive, useLiveStatus } from './live.js';
import { AddressPage } from './pages/AddressPage.js';
import { MessagePage } from './pages/MessagePage.js';
import { NetworkPage } from './pages/NetworkPage.js';
import { ProgramPage } from './pages/ProgramPage.js';
import { ProgramsPage } from './pages/ProgramsPage.js';
import { interceptLinks, useRoute, type Route } from './router.js';
import './styles.css';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'network':
      return <NetworkPage />;
    case 'programs':
      return <ProgramsPage search={route.search} pageNo={route.pageNo} />;
    case 'program':
      return <ProgramPage id={route.id} />;
    case 'message':
      return <MessagePage hash={route.hash} />;
    case 'address':
      return <AddressPage address={route.address} />;
    default:
      return <NotFound what={`The console has no page at ${route.path}.`} />;
  }
}

function App() {
  const route = useRoute();
  const live = useLiveStatus();
  const main = useRef<HTMLElement>(null);
  // A new page moves the focus to its content, as a page load would (keyboard and screen-reader users).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus({ preventScroll: true });
  }, [route.page]);
  const current = (p: Route['page'][]) => (p.includes(route.page) ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <a href="/console/" class="brand">
          aleph-ts console
        </a>
        <nav aria-label="Main">
          <a href="/console/" aria-current={current(['network'])}>
            Network
          </a>
          <a href="/console/programs" aria-current={current(['programs', 'program'])}>
            Programs
          </a>
        </nav>
        <span class={live ? 'live on' : 'live off'} role="status" data-testid="live">
          {live ? '● live' : '○ reconnecting'}
        </span>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

// Every module of the app evaluated (bench/consolePaint.ts reads it beside first-data).
performance.mark('aleph:app');
const root = document.getElementById('app')!;
// The boot line of index.html is no part of the app: render starts from an empty root.
root.textContent = '';
interceptLinks(root);
startLive();
startHeight();
render(<App />, root);
