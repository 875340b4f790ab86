// Stands in for the Prisma client (src/generated/prisma/client.ts) while scripts/build-client.ts
// bundles the client's .d.ts.
//
// Why: AppRouter carries the server's tRPC Context, `{ prisma: PrismaClient }`. tRPC's client never
// reads the context, but a .d.ts naming the real PrismaClient would pull in Prisma's generated types
// and `@prisma/client/runtime`, which a frontend neither has nor needs. An opaque brand keeps the
// router's type intact while saying nothing about the database.

declare const serverOnly: unique symbol;

/** The server's database handle: opaque here, since the client never receives the server's context. */
export interface PrismaClient {
  readonly [serverOnly]: 'server-only';
}
