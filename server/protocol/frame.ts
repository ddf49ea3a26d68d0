/**
 * LSP base framing: `Content-Length: N\r\n\r\n` + the UTF-8 JSON body, as one
 * buffer (one write). Shared by the daemon's writer and the CLI's raw client;
 * dependency-free so the CLI's fast path can import it without the contract's
 * schemas.
 */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}
