import { AsyncLocalStorage } from 'node:async_hooks';

/** Who and what a unit of work is for; read by the logger and copied onto outgoing NATS headers. */
export interface RequestContextData {
  requestId: string;
  orgId?: string;
  userId?: string;
  roles?: string[];
  traceparent?: string;
}

const storage = new AsyncLocalStorage<RequestContextData>();

export const RequestContext = {
  run<R>(data: RequestContextData, fn: () => R): R {
    return storage.run(data, fn);
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  /** Adds fields (e.g. orgId once the caller is authenticated) to the current context. */
  assign(fields: Partial<RequestContextData>): void {
    const store = storage.getStore();
    if (store) Object.assign(store, fields);
  },
};
