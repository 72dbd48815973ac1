import { violationSubjectLabel } from './nats-connection.service';
import { SubjectNamespace } from './subject-namespace';

describe('violationSubjectLabel', () => {
  const ns = new SubjectNamespace('ci-3');

  it('is the documented subject of a refused command or event', () => {
    expect(violationSubjectLabel('ci-3.auth.v1.login', ns)).toBe('auth.v1.login');
    expect(violationSubjectLabel('$JS.API.STREAM.MSG.GET.CI_3_EVENTS', ns)).toBe('$JS.API.STREAM.MSG.GET.CI_3_EVENTS');
  });

  it('drops the random tokens of inboxes, replies and acks, so the series stay few', () => {
    expect(violationSubjectLabel('_INBOX.gateway.Xk3j2.17', ns)).toBe('_INBOX');
    expect(violationSubjectLabel('_R_.abc.def', ns)).toBe('_R_');
    expect(violationSubjectLabel('$JS.ACK.EVENTS.durable.1.2.3.4.5.6', ns)).toBe('$JS.ACK.EVENTS.durable');
  });
});
