import type { RuntimeKind } from '../runtime/types.js';
import { PROBE_APP } from './sandboxFixture.js';

/**
 * The probe's logic in Python: `handle(path, query)` answers {ok, value|error} like PROBE_APP (/read, /write,
 * /env, /ifaces, /connect?port=&host= or ?abstract=), with errno names as error codes.
 */
const PY_PROBE_CORE = String.raw`
import errno, json, os, socket
def handle(path, q):
    try:
        if path == '/read':
            with open(q['path'], encoding='utf8', errors='replace') as f: return True, f.read()
        if path == '/write':
            with open(q['path'], 'w') as f: f.write(q.get('data', 'x'))
            return True, 'written'
        if path == '/env': return True, os.environ.get(q['name'])
        if path == '/ifaces': return True, json.dumps({n: [] for _, n in socket.if_nameindex()})
        if path == '/connect':
            if 'abstract' in q:
                s = socket.socket(socket.AF_UNIX); s.settimeout(1.5); s.connect('\0' + q['abstract'])
            else:
                s = socket.create_connection((q.get('host', '127.0.0.1'), int(q['port'])), timeout=1.5)
            s.close(); return True, 'connected'
        return True, 'probe'
    except socket.timeout:
        return False, 'timeout'
    except OSError as e:
        return False, errno.errorcode.get(e.errno, str(e))
def body(path, qs):
    from urllib.parse import parse_qsl
    ok, v = handle(path, dict(parse_qsl(qs)))
    return json.dumps({'ok': ok, 'value': v} if ok else {'ok': ok, 'error': v}).encode()
`;

/** The probe as an ASGI app (main:app). */
const PY_PROBE_ASGI =
  PY_PROBE_CORE +
  String.raw`
async def app(scope, receive, send):
    if scope['type'] != 'http': return
    b = body(scope['path'], scope['query_string'].decode())
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'application/json')]})
    await send({'type': 'http.response.body', 'body': b})
`;

/** The probe as an executable run.sh (a Python script) serving HTTP on the port it is given. */
const PY_PROBE_SCRIPT =
  '#!/usr/bin/python3\n' +
  PY_PROBE_CORE +
  String.raw`
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        path, _, qs = self.path.partition('?')
        b = body(path, qs)
        self.send_response(200); self.send_header('content-type', 'application/json')
        self.send_header('content-length', str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
`;

export interface ProbeKind {
  /** Which path of programCommand starts it. */
  kind: 'node module' | 'python ASGI' | 'run.sh script';
  runtime: RuntimeKind;
  entrypoint: string;
  files: Record<string, string | { body: string; mode: number }>;
}

/** The same probe behind every kind of entry point, to run the isolation suite on every path that starts a sandbox. */
export const PROBE_KINDS: ProbeKind[] = [
  { kind: 'node module', runtime: 'node', entrypoint: 'probe.js:handler', files: { 'probe.js': PROBE_APP } },
  { kind: 'python ASGI', runtime: 'python', entrypoint: 'main:app', files: { 'main.py': PY_PROBE_ASGI } },
  {
    kind: 'run.sh script',
    runtime: 'python',
    entrypoint: 'run.sh',
    files: { 'run.sh': { body: PY_PROBE_SCRIPT, mode: 0o755 } },
  },
];
