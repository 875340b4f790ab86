// @trpc/client 11.22.1 (the version @trpc/tanstack-react-query 11.22.1 pins) re-exports its
// WebSocket link, whose types import @trpc/server's WebSocket adapter, which imports Node's
// `http`, `http2` and the `ws` package. A browser project has none of them; declaring the names
// it uses as opaque lets every other .d.ts be checked (skipLibCheck off). 11.4.0 and 11.25.2 do
// not need this.
declare module 'http' {
  export interface IncomingMessage {
    socket: unknown;
  }
  export interface ServerResponse {}
}
declare module 'http2' {
  export interface Http2ServerRequest {
    socket: unknown;
  }
  export interface Http2ServerResponse {}
}
declare module 'ws' {
  namespace ws {
    interface WebSocket {}
    interface WebSocketServer {}
  }
  const ws: unknown;
  export default ws;
}
