import { ResponseError } from 'vscode-jsonrpc';
import * as z from 'zod';
import { ErrorCodes, type ErrorCode, type ErrorData } from '../protocol';
import { DomainError } from '../core/errors';

/** The one function that turns whatever a handler threw into a wire error. */
export function toResponseError(error: unknown, log?: (line: string) => void): ResponseError<ErrorData> {
  if (error instanceof ResponseError) return error as ResponseError<ErrorData>;
  if (error instanceof DomainError) return wireError(error.code, error.message, error.details);
  if (error instanceof z.ZodError) return fromValidation(error);
  log?.(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
  return wireError('INTERNAL', `internal error: ${error instanceof Error ? error.message : String(error)}`);
}

export function wireError(code: ErrorCode, message: string, details?: Record<string, unknown>): ResponseError<ErrorData> {
  const data: ErrorData = details ? { code, details } : { code };
  return new ResponseError(ErrorCodes[code].code, message, data);
}

/** VALIDATION_ERROR naming the first offending field (`details.field`, dotted path; `params` for the whole object). */
function fromValidation(error: z.ZodError): ResponseError<ErrorData> {
  const issue = error.issues[0];
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]);
  const field = path.length ? path.join('.') : 'params';
  const message = issue.code === 'unrecognized_keys' ? `unknown field "${field}"` : `${field}: ${issue.message}`;
  return wireError('VALIDATION_ERROR', message, { field, issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) });
}
