// avsc's type system alone: its index also loads the RPC services, IDL parser and container files contracts never uses.
declare module 'avsc/lib/types.js' {
  import type { Type as AvroType } from 'avsc';
  export const Type: typeof AvroType;
}
