/**
 * Responses that stay open on purpose (Server-Sent Events). An HTTP server closing waits for every
 * connection, and these never end by themselves: a service's shutdown ends them first (each with
 * what it tells its client, e.g. "reconnect elsewhere"), then closes the server.
 */
export class OpenResponses {
  private readonly enders = new Set<() => void>();

  /** Registers how to end one open response; call the returned function when it ended by itself. */
  add(end: () => void): () => void {
    this.enders.add(end);
    return () => {
      this.enders.delete(end);
    };
  }

  endAll(): void {
    for (const end of [...this.enders]) {
      this.enders.delete(end);
      end();
    }
  }
}
