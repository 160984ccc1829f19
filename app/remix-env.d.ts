// Single fetch (future.v3_singleFetch in remix.config.js) changes what useLoaderData returns;
// this tells the Remix types so `useLoaderData<typeof loader>()` matches what arrives.
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
