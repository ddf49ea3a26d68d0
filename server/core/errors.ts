import type { ErrorCode } from '../protocol';

/**
 * An expected failure, named by its contract code. The transport maps it to
 * the wire in one place (transport/error-mapper.ts); anything that is not a
 * DomainError is a bug and answers INTERNAL.
 */
export class DomainError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: 'TEMPLATE_NOT_FOUND' | 'SESSION_NOT_FOUND' | 'EXECUTION_NOT_FOUND' | 'WATCH_NOT_FOUND', id: string): DomainError => {
  const what = code.split('_')[0].toLowerCase();
  return new DomainError(code, `${what} ${id} not found`, { [`${what}Id`]: id });
};

export const invalidField = (field: string, message: string): DomainError =>
  new DomainError('VALIDATION_ERROR', `${field}: ${message}`, { field });
