/**
 * How a method of the contract is declared: once, with its literal name, its
 * params schema (validated by the daemon before anything runs), its result
 * schema (documentation and contract tests) and a typed vscode-jsonrpc
 * RequestType/NotificationType that clients use.
 */
import * as z from 'zod';
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ErrorData } from './errors';

export type Direction = 'clientToServer' | 'serverToClient';

/** `M` is the method's literal name and `Dir` its literal direction, so tables keyed by method (the daemon's routes) are checked for completeness by the compiler. */
export interface RequestDef<P extends z.ZodType, R extends z.ZodType, M extends string = string, Dir extends Direction = Direction> {
  kind: 'request';
  method: M;
  direction: Dir;
  doc: string;
  params: P;
  result: R;
  type: RequestType<z.input<P>, z.output<R>, ErrorData>;
}

export interface NotificationDef<P extends z.ZodType, M extends string = string, Dir extends Direction = Direction> {
  kind: 'notification';
  method: M;
  direction: Dir;
  doc: string;
  params: P;
  type: NotificationType<z.input<P>>;
}

export type AnyDef = RequestDef<z.ZodType, z.ZodType> | NotificationDef<z.ZodType>;

export function request<M extends string, P extends z.ZodType, R extends z.ZodType, Dir extends Direction = 'clientToServer'>(
  method: M, params: P, result: R, doc: string, direction: Dir = 'clientToServer' as Dir,
): RequestDef<P, R, M, Dir> {
  return { kind: 'request', method, direction, doc, params, result, type: new RequestType(method) };
}

export function notification<M extends string, P extends z.ZodType, Dir extends Direction = 'clientToServer'>(
  method: M, params: P, doc: string, direction: Dir = 'clientToServer' as Dir,
): NotificationDef<P, M, Dir> {
  return { kind: 'notification', method, direction, doc, params, type: new NotificationType(method) };
}

/** Params as a client writes them (defaults optional) and as the server sees them (defaults applied). */
export type ParamsOf<D extends AnyDef> = z.input<D['params']>;
export type ValidParamsOf<D extends AnyDef> = z.output<D['params']>;
export type ResultOf<D> = D extends RequestDef<z.ZodType, infer R> ? z.output<R> : never;

/** Params object of a method that takes none; `{}` and a missing params are both fine. */
export const NoParams = z.strictObject({});
