import { startPrefetch } from './prefetch.js';
import { firstReads } from './reads.js';
import { routeOf } from './routes.js';

// The first script of the page (its own tiny bundle): the page's first reads leave now, while the app loads.
startPrefetch(firstReads(routeOf(location.pathname, location.search)));
