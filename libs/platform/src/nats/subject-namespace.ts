/**
 * Applies CALLFLEET_NAMESPACE to subjects, stream and bucket names. With an empty namespace every
 * name is the documented one; a namespace isolates a test run on a shared broker.
 */
export class SubjectNamespace {
  constructor(readonly prefix: string) {}

  subject(subject: string): string {
    return this.prefix ? `${this.prefix}.${subject}` : subject;
  }

  /** Strips the namespace from a received subject, giving the documented one. */
  strip(subject: string): string {
    return this.prefix && subject.startsWith(`${this.prefix}.`) ? subject.slice(this.prefix.length + 1) : subject;
  }

  stream(name: string): string {
    return this.prefix ? `${this.prefix.replace(/-/g, '_').toUpperCase()}_${name}` : name;
  }

  bucket(name: string): string {
    return this.prefix ? `${this.prefix}-${name}` : name;
  }
}
