// Entry point `main.js:handler` on the node runtime: the compute node serves this (req, res) handler.
export function handler(req, res) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: 'hello from node', version: 1, path: req.url }));
}
