// Container health check: exit 0 when the service answers 2xx on the path (default /health/live;
// compose passes /health/ready so depends_on waits for NATS and PostgreSQL) within 2 s, else 1.
// Plain Node (no curl in the slim image); the port follows the service's own default when PORT is unset.
const { DEFAULT_HTTP_PORTS } = require('../dist/libs/contracts/src/nats/subjects.js');

const port = process.env.PORT || DEFAULT_HTTP_PORTS[process.env.SERVICE];
const path = process.argv[2] || '/health/live';
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
